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
}

// parseFlags reads the command line into raw input values.
func parseFlags(a *Action, args []string) (map[string]*flagValue, harnessFlags, error) {
	fs := flag.NewFlagSet("psflow "+a.Name, flag.ContinueOnError)
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, h, errHelp
		}
		return nil, h, usagef("%v (see psflow %s --help)", err, a.Name)
	}
	if fs.NArg() > 0 {
		return nil, h, usagef("unexpected argument %q; every input is a --flag (see psflow %s --help)", fs.Arg(0), a.Name)
	}
	return values, h, nil
}

// Usage writes the help text of an action: its inputs and outputs.
func Usage(w io.Writer, a *Action) {
	fmt.Fprintf(w, "Usage: psflow %s [flags]\n\n%s\n\nInputs (flag, or INPUT_<NAME> / PSFLOW_<NAME>):\n", a.Name, a.Description)
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
	fmt.Fprintf(w, "  %-24s %s\n  %-24s %s\n\nOutputs:\n", "--output-file", "append PSFLOW_<OUTPUT>=value lines here (or PSFLOW_OUTPUT_FILE)",
		"--summary-file", "append the markdown summary here (or PSFLOW_SUMMARY_FILE)")
	for _, o := range a.Outputs {
		fmt.Fprintf(w, "  %-24s %s\n", o.Name, o.Description)
	}
}
