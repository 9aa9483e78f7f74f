package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/psflow/psflow/actions"
	"github.com/psflow/psflow/pkg/step"
	"gopkg.in/yaml.v3"
)

// generate renders every generated file under root and returns those whose
// content differs, writing them when write is set.
func generate(root string, write bool) ([]string, error) {
	if err := step.CheckEnvNames(actions.All()); err != nil {
		return nil, fmt.Errorf("sourcing an output file would change a step's input: %w", err)
	}
	files := map[string][]byte{}
	for _, a := range actions.All() {
		files[filepath.Join("actions", a.Name, "action.yml")] = actionYAML(a)
		page, err := actionPage(root, a)
		if err != nil {
			return nil, err
		}
		files[actionPagePath(a)] = page
	}
	files[filepath.Join(".github", "workflows", "psflow-actions.yml")] = checkWorkflow(actions.All())

	var stale []string
	for rel, want := range files {
		path := filepath.Join(root, rel)
		got, err := os.ReadFile(path)
		if err == nil && bytes.Equal(got, want) {
			continue
		}
		stale = append(stale, rel)
		if write {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return stale, nil
}

// actionYAML renders a composite action running psflow through the entrypoint shim; inputs go
// through env: (composites get no INPUT_*, and ${{ }} in run: would allow script injection).
func actionYAML(a *step.Action) []byte {
	inputs, env := mapping(), mapping()
	for _, in := range a.Inputs {
		// Every input may also come from PSFLOW_<NAME> in the step's or the
		// workflow's env, so none is required of with:.
		decl := mapping(pair{"description", quoted(inputDoc(in))}, pair{"required", plain("false")})
		if def := actionDefault(in); def != nil {
			add(decl, "default", def)
		}
		add(inputs, in.Name, decl)
		add(env, "INPUT_"+strings.ToUpper(in.Name), plain("${{ inputs."+in.Name+" }}"))
	}
	add(env, "PSFLOW_ACTION_REF", plain("${{ github.action_ref }}"))
	outputs := mapping()
	for _, o := range a.Outputs {
		add(outputs, o.Name, mapping(
			pair{"description", quoted(o.Description)},
			pair{"value", plain("${{ steps.psflow.outputs." + o.Name + " }}")},
		))
	}
	run := mapping(
		pair{"id", plain("psflow")},
		pair{"shell", plain("bash")},
		pair{"env", env},
		pair{"run", quoted(`"$GITHUB_ACTION_PATH/../../entrypoint/psflow.sh" ` + a.Name)},
	)
	root := mapping(
		pair{"name", plain("psflow " + a.Name)},
		pair{"description", quoted(a.Description)},
		pair{"author", plain("psflow")},
		pair{"branding", mapping(pair{"icon", plain(a.Icon)}, pair{"color", plain("purple")})},
		pair{"inputs", inputs},
		pair{"outputs", outputs},
		pair{"runs", mapping(pair{"using", plain("composite")}, pair{"steps", sequence(run)})},
	)
	root.HeadComment = generatedHeader
	return render(root)
}

// inputDoc is an input's description with its default and fallbacks.
func inputDoc(in step.Input) string {
	doc := in.Description
	if in.Default != "" {
		doc += fmt.Sprintf(" Default: %s.", in.Default)
	}
	if isGitHubToken(in) {
		doc += " Default: the job's token (github.token)."
	}
	fallback := "PSFLOW_" + strings.ToUpper(in.Name)
	if in.Env != "" {
		fallback += " or " + in.Env
	}
	switch {
	case in.Required:
		doc += fmt.Sprintf(" Required: set it here or in %s (a step's or the workflow's env).", fallback)
	case in.Env != "":
		doc += fmt.Sprintf(" Falls back to %s.", in.Env)
	}
	return doc
}

// actionDefault is an input's default in action.yml: the declared one, or the job's token for
// github_token. psflow reads an INPUT_<NAME> equal to it as unset, so other variables apply.
func actionDefault(in step.Input) *yaml.Node {
	if isGitHubToken(in) {
		return plain("${{ github.token }}")
	}
	if in.Default == "" {
		return nil
	}
	return quoted(in.Default)
}

// isGitHubToken reports whether in is a token for the GitHub API, which
// GitHub hands every job as github.token.
func isGitHubToken(in step.Input) bool { return in.Name == "github_token" && in.Secret }

// actionPagePath is the reference page of an action, relative to the
// module root.
func actionPagePath(a *step.Action) string {
	return filepath.Join("docs", "actions", a.Name+".md")
}

var sectionRE = regexp.MustCompile(`(?s)(<!-- BEGIN GENERATED: ([a-z-]+) -->\n).*?(<!-- END GENERATED: ([a-z-]+) -->)`)

// actionPage renders an action's reference page: the inputs and outputs between the GENERATED
// markers, the hand-written rest kept (the description, for a new page).
func actionPage(root string, a *step.Action) ([]byte, error) {
	rel := actionPagePath(a)
	old, err := os.ReadFile(filepath.Join(root, rel))
	if errors.Is(err, fs.ErrNotExist) {
		old = []byte(fmt.Sprintf("# %s\n\n%s\n\n## Inputs and outputs\n\n<!-- BEGIN GENERATED: %[1]s -->\n<!-- END GENERATED: %[1]s -->\n", a.Name, a.Description))
	} else if err != nil {
		return nil, err
	}
	sections := sectionRE.FindAllSubmatch(old, -1)
	if len(sections) != 1 || string(sections[0][2]) != a.Name || string(sections[0][4]) != a.Name {
		return nil, fmt.Errorf("%s must hold one generated section, between <!-- BEGIN GENERATED: %s --> and <!-- END GENERATED: %[2]s -->", rel, a.Name)
	}
	return sectionRE.ReplaceAllFunc(old, func(m []byte) []byte {
		sub := sectionRE.FindSubmatch(m)
		return []byte(string(sub[1]) + tables(a) + string(sub[3]))
	}), nil
}

// tables renders an action's inputs and outputs as markdown tables.
func tables(a *step.Action) string {
	var b strings.Builder
	if n := len(a.Inputs); n > 0 {
		in := a.Inputs[n-1]
		fmt.Fprintf(&b, "Set an input with `with:` on GitHub, or as a flag, `INPUT_<NAME>` or `PSFLOW_<NAME>` (`%s`, `%s`, `%s`); "+
			"outside GitHub, outputs are `PSFLOW_OUT_<OUTPUT>` lines of the output file. See [Inputs and outputs](../inputs-and-outputs.md).\n\n",
			in.Flag(), in.EnvNames()[0], in.EnvNames()[1])
	}
	b.WriteString("| Input | Description | Default |\n|---|---|---|\n")
	for _, in := range a.Inputs {
		def := "`" + in.Default + "`"
		switch {
		case in.Required:
			def = "required"
		case isGitHubToken(in):
			def = "on GitHub, the job's token (`github.token`)"
		case in.Default == "":
			def = ""
		}
		desc := in.Description
		if in.Secret {
			desc += " Secret."
		}
		if in.Env != "" {
			desc += " Falls back to `" + in.Env + "`."
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", in.Name, mdCell(desc), def)
	}
	b.WriteString("\n| Output | Description |\n|---|---|\n")
	for _, o := range a.Outputs {
		desc := o.Description
		if o.Secret {
			desc += " Secret: masked."
		}
		if o.HandOver {
			desc += fmt.Sprintf(" Hand-over: also written as `%s`, the `%s` input of the steps after it.", o.HandOverEnv(), o.Name)
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", o.Name, mdCell(desc))
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
