//go:build unix

package server

import "syscall"

// nonBlock keeps open(2) from waiting on a FIFO with no writer.
const nonBlock = syscall.O_NONBLOCK
