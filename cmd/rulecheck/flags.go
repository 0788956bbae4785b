package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/codevaldcortex/rulecheck/internal/suggest"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// unknownFlagError is a flag the command does not define.
type unknownFlagError struct {
	Name    string
	Suggest string // the nearest defined flag, "" when none is near
}

func (e *unknownFlagError) Error() string {
	msg := "unknown flag --" + e.Name
	if e.Suggest != "" {
		msg += "; did you mean --" + e.Suggest + "?"
	}
	return msg
}

// flagValueError is a flag given without a value, or with a bad one.
type flagValueError struct {
	Name string
	Err  error
}

func (e *flagValueError) Error() string { return fmt.Sprintf("flag --%s: %v", e.Name, e.Err) }

// parseArgs reads the flags defined in fs wherever they are among args, as
// promtool (kingpin) and most CLIs do, so "rulecheck test tests/ --strict"
// works; everything after "--" is positional. It returns the positional
// arguments, or flag.ErrHelp for -h and --help.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "h" || name == "help" {
			return nil, flag.ErrHelp
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, &unknownFlagError{Name: name, Suggest: nearestFlag(fs, name)}
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if !hasValue {
				value = "true"
			}
		} else if !hasValue {
			if i+1 == len(args) {
				return nil, &flagValueError{Name: name, Err: errors.New("needs a value")}
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			return nil, &flagValueError{Name: name, Err: err}
		}
	}
	return pos, nil
}

func nearestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	s, _ := suggest.Nearest(name, names)
	return s
}

// parseCommandArgs parses a command's arguments. On -h it prints the
// command's usage and returns exitOK; on a bad flag it prints one line
// with a pointer to -h and returns exitBadInput; ok is true otherwise.
func parseCommandArgs(fs *flag.FlagSet, args []string, stderr io.Writer) (pos []string, code int, ok bool) {
	pos, err := parseArgs(fs, args)
	switch {
	case err == nil:
		return pos, exitOK, true
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return nil, exitOK, false
	default:
		fmt.Fprintf(stderr, "rulecheck %s: %v (rulecheck %s -h lists the flags)\n", fs.Name(), err, fs.Name())
		return nil, exitBadInput, false
	}
}
