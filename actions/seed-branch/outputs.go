package seedbranch

import (
	"fmt"
	"strconv"
	"strings"
)

// outputs sets the step's outputs; runErr is the run's error. A failed
// run says result=failed and what it did before the failure.
func (sd *seeder) outputs(runErr error) {
	s := sd.s
	result, reason := "unchanged", "the branch already held "+sd.what()
	switch {
	case runErr != nil:
		result, reason = "failed", "failed before it changed anything"
		if done := sd.done(); done != "" {
			reason = "failed after it " + done
		}
	case len(sd.changes) > 0:
		result, reason = "changed", summarize(sd.changes)
	}
	if sd.recreated != "" {
		reason = "recreated off production as it is now (" + sd.recreated + "); " + reason
	}
	var dropped []string
	for _, ch := range sd.changes {
		if ch.verb == "dropped" {
			dropped = append(dropped, ch.kind+" "+ch.name)
		}
	}
	s.Output("result", result)
	s.Output("reason", reason)
	s.Output("recreated", strconv.FormatBool(sd.recreated != ""))
	s.Output("changes", strconv.Itoa(len(sd.changes)))
	s.Output("dropped", strings.Join(dropped, ", "))
	s.Output("statements", strconv.FormatInt(sd.res.Statements, 10))
	s.Output("rows", strconv.FormatInt(sd.res.Rows, 10))
	s.Output("duration_s", strconv.FormatFloat(s.Elapsed().Seconds(), 'f', 3, 64))
}

// done says what a run did to the branch, for a failed run's reason:
// "created 2 tables, emptied 1 table, loaded 1 of 3 data files", or "".
func (sd *seeder) done() string {
	var parts []string
	if len(sd.changes) > 0 {
		parts = append(parts, summarize(sd.changes))
	}
	if sd.emptied > 0 {
		parts = append(parts, fmt.Sprintf("emptied %d %s", sd.emptied, plural(sd.emptied, "table")))
	}
	if sd.loading {
		parts = append(parts, fmt.Sprintf("loaded %d of %d data files", sd.loaded, len(sd.src.data)))
	}
	return strings.Join(parts, ", ")
}

// plural adds an s to a word unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// what names what the branch is made to hold, for messages.
func (sd *seeder) what() string {
	if len(sd.src.migrations) > 0 {
		return "every migration"
	}
	if len(sd.src.tables)+len(sd.src.views) > 0 {
		return "the schema"
	}
	return "its schema"
}

// summarize counts changes by verb and kind: "created 2 tables, dropped 1 view".
func summarize(changes []change) string {
	var order []string
	count := map[string]int{}
	for _, ch := range changes {
		key := ch.verb + " " + ch.kind
		if count[key] == 0 {
			order = append(order, key)
		}
		count[key]++
	}
	parts := make([]string, len(order))
	for i, key := range order {
		verb, kind, _ := strings.Cut(key, " ")
		if count[key] > 1 {
			kind += "s"
		}
		parts[i] = fmt.Sprintf("%s %d %s", verb, count[key], kind)
	}
	return strings.Join(parts, ", ")
}
