//go:build !unix

package server

const nonBlock = 0
