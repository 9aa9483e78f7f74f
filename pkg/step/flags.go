package step

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagValue records the raw text of one input flag.
type flagValue struct {
	raw    string
	set    bool
	isBool bool
}

func (v *flagValue) String() string   { return v.raw }
func (v *flagValue) IsBoolFlag() bool { return v.isBool }
func (v *flagValue) Set(s string) error {
	v.raw, v.set = s, true
	return nil
}

// errHelp is returned when the user asked for --help.
var errHelp = errors.New("help requested")

// harnessFlags are the flags every action takes besides its inputs.
type harnessFlags struct {
	outputFile  string
	summaryFile string
	showInputs  bool
}

// parseFlags reads the command line into raw input values.
func parseFlags(a *Action, args []string) (map[string]*flagValue, harnessFlags, error) {
	fs := flag.NewFlagSet(a.command(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := make(map[string]*flagValue, len(a.Inputs))
	for _, in := range a.Inputs {
		v := &flagValue{isBool: in.Kind == Bool}
		values[in.Name] = v
		fs.Var(v, strings.TrimPrefix(in.Flag(), "--"), in.Description)
	}
	var h harnessFlags
	fs.StringVar(&h.outputFile, "output-file", "", "")
	fs.StringVar(&h.summaryFile, "summary-file", "", "")
	fs.BoolVar(&h.showInputs, "show-inputs", false, "")
	args, after := joinBoolValues(fs, args)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, h, errHelp
		}
		return nil, h, usagef("%v (see psflow %s --help)", err, a.Name)
	}
	if fs.NArg() > 0 {
		if b, ok := after[len(args)-fs.NArg()]; ok {
			return nil, h, usagef("unexpected argument %q after %s: %s takes true or false, as %s=true, %s=false, %s true or %s alone for true (see psflow %s --help)",
				fs.Arg(0), b, b, b, b, b, b, a.Name)
		}
		return nil, h, usagef("unexpected argument %q; every input is a --flag (see psflow %s --help)", fs.Arg(0), a.Name)
	}
	return values, h, nil
}

// joinBoolValues turns `--wait false` into `--wait=false` where flag would see an unexpected
// argument (docs/design/step.md); after maps an unjoined word's index to the flag it follows.
func joinBoolValues(fs *flag.FlagSet, args []string) (out []string, after map[int]string) {
	after = map[int]string{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name, ok := flagName(arg)
		if !ok {
			return append(out, args[i:]...), after // "--", or the first positional argument
		}
		out = append(out, arg)
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // flag.Parse reports it
		}
		if b, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool || !b.IsBoolFlag() {
			if i+1 < len(args) {
				i++
				out = append(out, args[i]) // the flag's value, whatever it looks like
			}
			continue
		}
		if i+1 < len(args) {
			if _, isFlag := flagName(args[i+1]); !isFlag && args[i+1] != "--" {
				if isBoolWord(args[i+1]) {
					i++
					out[len(out)-1] = arg + "=" + args[i]
					continue
				}
				after[len(out)] = arg
			}
		}
	}
	return out, after
}

// flagName returns the name of a flag argument, "-name" or "--name"
// (with any "=value"), as the flag package reads it.
func flagName(arg string) (string, bool) {
	if len(arg) < 2 || arg[0] != '-' || arg == "--" {
		return "", false
	}
	name := strings.TrimPrefix(arg[1:], "-")
	if name == "" || name[0] == '-' || name[0] == '=' {
		return "", false
	}
	return name, true
}

// isBoolWord reports whether s is a value a boolean input accepts.
func isBoolWord(s string) bool {
	_, ok := parseBool(s)
	return ok && s != ""
}

// usage writes the help text of an action: its inputs and outputs.
func usage(w io.Writer, a *Action) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n\nInputs (flag, or INPUT_<NAME> / PSFLOW_<NAME>; a true/false input takes --flag, --flag=false or --flag false):\n", a.command(), a.Description)
	for _, in := range a.Inputs {
		extra := ""
		if in.Required {
			extra = " (required)"
		} else if in.Default != "" {
			extra = fmt.Sprintf(" (default %q)", in.Default)
		}
		if in.Env != "" {
			extra += ", also " + in.Env
		}
		fmt.Fprintf(w, "  %-24s %s%s\n", in.Flag(), in.Description, extra)
	}
	fmt.Fprintf(w, "  %-24s %s\n  %-24s %s\n  %-24s %s\n\nOutputs (%s<OUTPUT> in the output file):\n",
		"--output-file", "append "+OutputPrefix+"<OUTPUT>=value lines here (or PSFLOW_OUTPUT_FILE)",
		"--summary-file", "append the markdown summary here (or PSFLOW_SUMMARY_FILE)",
		"--show-inputs", "print every input's value and where it came from, and run nothing",
		OutputPrefix)
	for _, o := range a.Outputs {
		extra := ""
		if o.HandOver {
			extra = fmt.Sprintf(" (also %s, the %s input of the steps after it)", o.HandOverEnv(), o.Name)
		}
		fmt.Fprintf(w, "  %-24s %s%s\n", o.Name, o.Description, extra)
	}
}
