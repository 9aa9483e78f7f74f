package main

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/psflow/psflow/bench/internal/benchkit"
	"github.com/psflow/psflow/pkg/emulator"
)

// Groups of detection delays.
const (
	delayBranch = "branch ready"
	delayDiff   = "diff ready"
	delayDeploy = "deployment states"
)

// measure turns the lifecycles and the emulator's records into a result.
func (s *scenario) measure(lcs []*lifecycle, start time.Time, wall time.Duration) scenarioResult {
	res := scenarioResult{
		n: len(lcs), client: s.client, wall: wall, start: start,
		hits: s.em.Hits(), delays: map[string][]time.Duration{},
	}
	res.endpoints = s.em.Counts()
	for _, n := range res.endpoints {
		res.counted += n
	}
	transitions := map[string][]emulator.Transition{}
	for _, db := range s.em.State().Databases {
		if len(db.DeployRequests) > 0 {
			transitions[db.Name] = db.DeployRequests[0].Transitions
		}
	}
	for _, lc := range lcs {
		res.retries += lc.retries
		if lc.err != nil {
			res.failed++
			res.errs = append(res.errs, lc.err.Error())
			continue
		}
		res.lifecycles = append(res.lifecycles, lc.end.Sub(lc.start))
		s.mu.Lock()
		readyAt, ok := s.readyAt[lc.database]
		s.mu.Unlock()
		if o, seen := firstObs(lc.obs, kindBranch, "ready"); ok && seen {
			res.delays[delayBranch] = append(res.delays[delayBranch], o.at.Sub(readyAt))
		} else {
			res.unseen++
		}
		res.addDeployDelays(lc, transitions[lc.database])
	}
	return res
}

// addDeployDelays matches each deployment state the emulator entered by itself with the first
// time the client saw it or a later one, but pending and queued, which the client causes.
func (res *scenarioResult) addDeployDelays(lc *lifecycle, trs []emulator.Transition) {
	index := func(state string) int {
		return slices.IndexFunc(trs, func(t emulator.Transition) bool { return t.State == state })
	}
	var seen []observation
	for _, o := range lc.obs {
		if o.kind == kindDeploy {
			seen = append(seen, o)
		}
	}
	for k, tr := range trs {
		if tr.State == "pending" || tr.State == "queued" {
			continue
		}
		group := delayDeploy
		if tr.State == "ready" || tr.State == "no_changes" {
			group = delayDiff
		}
		i := slices.IndexFunc(seen, func(o observation) bool { return index(o.state) >= k })
		if i < 0 {
			res.unseen++
			continue
		}
		if seen[i].state != tr.State {
			res.skipped++
		}
		res.delays[group] = append(res.delays[group], seen[i].at.Sub(tr.At))
	}
}

// firstObs finds the first observation of a state.
func firstObs(obs []observation, kind, state string) (observation, bool) {
	for _, o := range obs {
		if o.kind == kind && o.state == state {
			return o, true
		}
	}
	return observation{}, false
}

// allDelays joins every group of detection delays.
func (res scenarioResult) allDelays() []time.Duration {
	var all []time.Duration
	for _, ds := range res.delays {
		all = append(all, ds...)
	}
	return all
}

// limited counts the requests answered 429.
func (res scenarioResult) limited() int {
	n := 0
	for _, h := range res.hits {
		if h.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// peak is the most requests (all of them, or only those not answered
// 429) that arrived within any window of the given length.
func (res scenarioResult) peak(window time.Duration, includeLimited bool) int {
	var at []time.Time
	for _, h := range res.hits {
		if includeLimited || h.Status != http.StatusTooManyRequests {
			at = append(at, h.At)
		}
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	best, lo := 0, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// delayStats renders the median and p95 of some delays.
func delayStats(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return secs(benchkit.Percentile(ds, 50)) + " / " + secs(benchkit.Percentile(ds, 95))
}

func secs(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }
