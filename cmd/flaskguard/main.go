// Command flaskguard finds Flask security mistakes: `flaskguard serve` is a
// language server on stdio, `flaskguard check` the same analysis for CI.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/flaskguard/flaskguard/cli"
	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/walk"
	"github.com/flaskguard/flaskguard/server"
)

var version = "0.1.0-dev"

const usage = `flaskguard finds and fixes security mistakes in Flask applications.

Usage:
  flaskguard check [flags] [PATH...]   check files and folders (default .)
  flaskguard serve [flags]             run the language server on stdio
  flaskguard version                   print the version

Run 'flaskguard COMMAND -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return cli.ExitError
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "serve":
		return runServe(args[1:], stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "flaskguard", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "flaskguard: unknown command %q\n\n%s", args[0], usage)
	return cli.ExitError
}

// parseInterleaved lets flags follow positional arguments
// ("check app/ --format json"), as users of Ruff expect.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	sel := fs.String("select", "", "comma-separated rule codes or prefixes to enable (default: all)")
	ignore := fs.String("ignore", "", "comma-separated rule codes or prefixes to disable")
	exitZero := fs.Bool("exit-zero", false, "exit 0 even when there are findings")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return cli.ExitError
	}
	settings := diagnostics.DefaultSettings()
	settings.Select = splitCodes(*sel)
	settings.Ignore = splitCodes(*ignore)
	res, err := cli.Check(paths, settings, walk.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return cli.ExitError
	}
	switch *format {
	case "text":
		cli.WriteText(stdout, res)
	case "json":
		if err := cli.WriteJSON(stdout, res); err != nil {
			fmt.Fprintf(stderr, "flaskguard: %v\n", err)
			return cli.ExitError
		}
	default:
		fmt.Fprintf(stderr, "flaskguard: unknown --format %q (want text or json)\n", *format)
		return cli.ExitError
	}
	if res.Findings > 0 && !*exitZero {
		return cli.ExitFindings
	}
	return cli.ExitClean
}

func splitCodes(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func runServe(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	logFile := fs.String("log-file", "", "write logs to this file instead of stderr")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn, error")
	fs.Bool("stdio", true, "use stdin/stdout (the default; accepted for vscode-languageclient)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return cli.ExitError
	}
	log, level, closeLog, err := newLogger(*logFile, *logLevel, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return cli.ExitError
	}
	defer closeLog()
	server.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log.Info("flaskguard language server starting", zap.String("version", version))
	code := server.Serve(ctx, os.Stdin, os.Stdout, server.Options{Log: log, LogLevel: &level})
	log.Info("flaskguard language server exiting", zap.Int("code", code))
	return code
}

// newLogger logs to a file or stderr — never stdout, which carries the protocol.
func newLogger(path, level string, stderr io.Writer) (*zap.Logger, zap.AtomicLevel, func(), error) {
	lvl := zap.NewAtomicLevel()
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, lvl, nil, fmt.Errorf("invalid --log-level %q", level)
	}
	out := zapcore.AddSync(stderr)
	closeFn := func() {}
	if path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, lvl, nil, fmt.Errorf("opening log file: %w", err)
		}
		out = zapcore.AddSync(f)
		closeFn = func() { f.Close() }
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(out), lvl)
	log := zap.New(core)
	return log, lvl, func() { log.Sync(); closeFn() }, nil
}
