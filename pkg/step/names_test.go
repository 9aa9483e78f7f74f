package step

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
)

func TestCheckEnvNames(t *testing.T) {
	t.Parallel()
	create := &Action{Name: "create", Inputs: []Input{{Name: "branch"}, {Name: "files", Kind: List}},
		Outputs: []Output{{Name: "branch", HandOver: true}, {Name: "files"}, {Name: "dsn", Secret: true}}}
	cases := []struct {
		name    string
		actions []*Action
		want    string // "" when the names are sound
	}{
		{"outputs and inputs of the same name", []*Action{create}, ""},
		{"an input in the outputs' namespace", []*Action{create, {Name: "seed", Inputs: []Input{{Name: "out_files"}}}},
			"seed input out_files reads PSFLOW_OUT_FILES, in the outputs' namespace PSFLOW_OUT_*; rename the input\n" +
				"create output files is written as PSFLOW_OUT_FILES, which seed input out_files reads"},
		{"an input's extra variable in the outputs' namespace", []*Action{create, {Name: "seed", Inputs: []Input{{Name: "dsn", Env: "PSFLOW_OUT_DSN"}}}},
			"seed input dsn reads PSFLOW_OUT_DSN, in the outputs' namespace PSFLOW_OUT_*; rename the input\n" +
				"create output dsn is written as PSFLOW_OUT_DSN, which seed input dsn reads"},
		{"a hand-over no input takes", []*Action{{Name: "open", Outputs: []Output{{Name: "number", HandOver: true}}}},
			"open output number is a hand-over, but no action has an input number"},
		{"a hand-over another input reads", []*Action{{Name: "open", Inputs: []Input{{Name: "id", Env: "PSFLOW_NUMBER"}}, Outputs: []Output{{Name: "number", HandOver: true}}}},
			"open output number hands over PSFLOW_NUMBER, which open input id reads\nopen output number is a hand-over, but no action has an input number"},
		{"a hand-over the harness reads", []*Action{{Name: "open", Outputs: []Output{{Name: "output_file", HandOver: true}}}},
			"open output output_file hands over PSFLOW_OUTPUT_FILE, which the harness reads\nopen output output_file is a hand-over, but no action has an input output_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckEnvNames(tc.actions)
			if tc.want == "" {
				assert.NilError(t, err)
				return
			}
			assert.Error(t, err, tc.want)
		})
	}
}

// Every output is PSFLOW_OUT_<NAME> in the output file; a hand-over is
// also the input variable it sets.
func TestOutputFileHandOver(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "out.env")
	a := &Action{
		Name:    "create",
		Inputs:  []Input{{Name: "branch"}, {Name: "files", Kind: List}},
		Outputs: []Output{{Name: "branch", HandOver: true}, {Name: "files"}},
		Run: func(ctx context.Context, s *Step) error {
			s.Output("branch", "pr-7")
			s.Output("files", "a.sql\nb.sql")
			return nil
		},
	}
	r := run(t, a, map[string]string{"PSFLOW_OUTPUT_FILE": path})
	assert.NilError(t, r.err)
	data, err := os.ReadFile(path)
	assert.NilError(t, err)
	assert.Equal(t, string(data), "PSFLOW_OUT_BRANCH=pr-7\nPSFLOW_BRANCH=pr-7\nPSFLOW_OUT_FILES='a.sql\nb.sql'\n")
	assert.Equal(t, r.stdout, "branch=pr-7\nfiles='a.sql\nb.sql'\n", "printed once each, by name")
}
