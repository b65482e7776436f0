// Command flaskguard finds Flask security mistakes: `flaskguard serve` is a
// language server on stdio, `flaskguard check` the same analysis for CI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/flaskguard/flaskguard/cli"
	"github.com/flaskguard/flaskguard/server"
)

var version = "0.1.0-dev"

const usage = `flaskguard finds and fixes security mistakes in Flask applications.

Usage:
  flaskguard check [flags] [PATH...]   check files and folders (default .)
  flaskguard fix [flags] [PATH...]     apply the findings' safe fixes
  flaskguard rules [--format json]     list the rules
  flaskguard explain CODE              print a rule's documentation
  flaskguard serve [flags]             run the language server on stdio
  flaskguard version                   print the version

Configuration: [tool.flaskguard] in pyproject.toml, or flaskguard.toml, found
from each checked file's folder upward; flags override it.
Run 'flaskguard COMMAND -h' for a command's flags.
`

func main() {
	stopProfiles := startProfiles(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stopProfiles()
	os.Exit(code)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return cli.ExitError
	}
	cli.Version = version
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdout, stderr)
	case "fix":
		return runFix(args[1:], stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdout, stderr)
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

// flagError is the exit code for a flag parsing error: 0 for -h (the
// usage was asked for and printed), 2 otherwise.
func flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return cli.ExitClean
	}
	return cli.ExitError
}

// optional is a string flag that knows whether it was given.
type optional struct {
	set bool
	v   string
}

func (o *optional) String() string     { return o.v }
func (o *optional) Set(v string) error { o.set, o.v = true, v; return nil }

// overrideFlags declares the flags shared by check and fix; the returned
// function reads them once parsed.
func overrideFlags(fs *flag.FlagSet) func() (cli.Overrides, error) {
	sel := &optional{}
	fs.Var(sel, "select", "comma-separated rule `codes` or prefixes to enable, replacing the configuration's (default: all)")
	ignore := fs.String("ignore", "", "comma-separated rule `codes` or prefixes to disable, added to the configuration's")
	configPath := fs.String("config", "", "use this configuration `file` for every path instead of searching for one")
	isolated := fs.Bool("isolated", false, "ignore configuration files")
	return func() (cli.Overrides, error) {
		ov := cli.Overrides{Config: *configPath, Isolated: *isolated}
		var err error
		if sel.set {
			if ov.Select, err = cli.ParseCodes("select", sel.v); err != nil {
				return ov, err
			}
		}
		ov.Ignore, err = cli.ParseCodes("ignore", *ignore)
		return ov, err
	}
}

// parsePathsAndOverrides adds the shared --select/--ignore/--config flags
// to fs, parses args, and returns the paths and overrides, or the exit code
// to return when ok is false.
func parsePathsAndOverrides(fs *flag.FlagSet, args []string, stderr io.Writer) (paths []string, ov cli.Overrides, code int, ok bool) {
	overrides := overrideFlags(fs)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, ov, flagError(err), false
	}
	if ov, err = overrides(); err != nil {
		fmt.Fprintf(stderr, "flaskguard: %v\n", err)
		return nil, ov, cli.ExitError, false
	}
	return paths, ov, 0, true
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := cli.CheckOptions{}
	fs.StringVar(&o.Format, "format", "text", "output `format`: "+strings.Join(cli.Formats, ", "))
	fs.StringVar(&o.Format, "output-format", "text", "the same as --format (Ruff's name for it)")
	fs.BoolVar(&o.ExitZero, "exit-zero", false, "exit 0 even when there are findings")
	fs.BoolVar(&o.Statistics, "statistics", false, "print the number of findings per rule instead of the findings")
	fs.BoolVar(&o.ShowFixes, "show-fixes", false, "list each finding's fixes under it (text format)")
	fs.StringVar(&o.OutputFile, "output-file", "", "write the report to this `file` instead of stdout")
	fs.StringVar(&o.OutputFile, "o", "", "shorthand for --output-file")
	cacheDir := os.Getenv("FLASKGUARD_CACHE_DIR")
	if cacheDir == "" {
		cacheDir = cli.DefaultCacheDir()
	}
	fs.StringVar(&o.CacheDir, "cache-dir", cacheDir, "keep the cache of unchanged files' results in this `directory` (env FLASKGUARD_CACHE_DIR)")
	noCache := fs.Bool("no-cache", os.Getenv("FLASKGUARD_NO_CACHE") != "", "analyse every file afresh, neither reading nor writing the cache (env FLASKGUARD_NO_CACHE)")
	paths, ov, code, ok := parsePathsAndOverrides(fs, args, stderr)
	if !ok {
		return code
	}
	if *noCache {
		o.CacheDir = ""
	}
	o.Paths, o.Overrides = paths, ov
	return cli.RunCheck(o, stdout, stderr)
}

func runFix(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := cli.FixOptions{}
	fs.BoolVar(&o.Unsafe, "unsafe-fixes", false, "apply unsafe fixes too (they may change behaviour)")
	fs.BoolVar(&o.Diff, "diff", false, "print a unified diff of the fixes instead of writing files (exit 1 when there is one)")
	fs.BoolVar(&o.ShowFixes, "show-fixes", false, "list each fix applied")
	fs.BoolVar(&o.ExitZero, "exit-zero", false, "exit 0 even when findings remain")
	paths, ov, code, ok := parsePathsAndOverrides(fs, args, stderr)
	if !ok {
		return code
	}
	o.Paths, o.Overrides = paths, ov
	return cli.RunFix(o, stdout, stderr)
}

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "flaskguard: rules takes no arguments (did you mean 'flaskguard explain %s'?)\n", rest[0])
		return cli.ExitError
	}
	return cli.RunRules(*format, stdout, stderr)
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "flaskguard: usage: flaskguard explain CODE (e.g. FG401)")
		return cli.ExitError
	}
	return cli.RunExplain(rest[0], stdout, stderr)
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
	if os.Getenv("GOGC") == "" {
		// A server runs all day beside the editor: collect when the heap
		// has grown by half rather than doubled (most of it is the facts
		// of open and indexed files, which live as long as the session).
		debug.SetGCPercent(50)
	}
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
