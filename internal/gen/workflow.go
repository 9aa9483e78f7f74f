package main

import (
	"strings"

	"github.com/psflow/psflow/pkg/step"
	"gopkg.in/yaml.v3"
)

// checkWorkflowHead is the part of the check workflow that no declaration
// changes; checkWorkflow appends a step per action to its steps.
const checkWorkflowHead = `# Uses every action with every input, for actionlint; run it by hand against an emulator.
name: psflow-actions
on:
  workflow_dispatch:
    inputs:
      api_url:
        description: PlanetScale API URL (an emulator's)
        required: true
permissions:
  contents: read
  pull-requests: write
jobs:
  actions:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
      - uses: ./
`

// checkWorkflow renders a workflow using every local action with every input, so actionlint
// checks each action.yml against real use and a renamed or removed input fails CI.
func checkWorkflow(all []*step.Action) []byte {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(checkWorkflowHead), &doc); err != nil {
		panic(err) // a constant of this package
	}
	root := doc.Content[0]
	steps := lookup(lookup(lookup(root, "jobs"), "actions"), "steps")
	for _, a := range all {
		with := mapping()
		for _, in := range a.Inputs {
			add(with, in.Name, sampleValue(in))
		}
		steps.Content = append(steps.Content, mapping(
			pair{"id", plain(a.Name)},
			pair{"uses", plain("./actions/" + a.Name)},
			pair{"with", with},
		))
	}
	env := mapping()
	for _, a := range all {
		for _, o := range a.Outputs {
			if !o.Secret {
				add(env, envName(a.Name, o.Name), plain("${{ steps."+a.Name+".outputs."+o.Name+" }}"))
			}
		}
	}
	steps.Content = append(steps.Content, mapping(
		pair{"env", env},
		pair{"run", plain("env | grep '^OUT_' | sort")},
	))
	root.HeadComment = generatedHeader + "\n" + root.HeadComment
	return render(root)
}

func envName(action, output string) string {
	return "OUT_" + strings.ToUpper(strings.ReplaceAll(action, "-", "_")+"_"+output)
}

// sampleValue is a valid value for an input in the check workflow.
func sampleValue(in step.Input) *yaml.Node {
	switch {
	case in.Name == "api_url":
		return plain("${{ inputs.api_url }}")
	case in.Name == "github_token":
		return plain("${{ secrets.GITHUB_TOKEN }}")
	case in.Secret:
		return plain("${{ secrets." + strings.ToUpper("planetscale_"+in.Name) + " }}")
	case in.Name == "branch":
		return plain("pr-${{ github.run_number }}")
	case in.Default != "":
		return quoted(in.Default)
	}
	switch in.Kind {
	case step.Bool:
		return plain("false")
	case step.Int:
		return plain("1")
	case step.Duration:
		return plain("5m")
	case step.Choice:
		return plain(in.Choices[0])
	}
	return quoted(strings.ReplaceAll(in.Name, "_", "-"))
}
