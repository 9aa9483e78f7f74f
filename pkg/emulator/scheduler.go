package emulator

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// scheduler runs delayed work on one goroutine, by due time then scheduling order, so the
// state machines it advances (deploy requests, password expiry) never race.
type scheduler struct {
	mu     sync.Mutex
	queue  eventQueue
	seq    uint64
	wake   chan struct{}
	done   chan struct{}
	cancel context.CancelFunc
}

type event struct {
	at  time.Time
	seq uint64
	fn  func(ctx context.Context)
}

// newScheduler starts the worker goroutine; stop ends it.
func newScheduler() *scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &scheduler{wake: make(chan struct{}, 1), done: make(chan struct{}), cancel: cancel}
	go s.run(ctx)
	return s
}

// after runs fn once d has passed (at once when d <= 0).
func (s *scheduler) after(d time.Duration, fn func(ctx context.Context)) {
	s.mu.Lock()
	s.seq++
	heap.Push(&s.queue, &event{at: time.Now().Add(d), seq: s.seq, fn: fn})
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// stop ends the worker after the event it is running, if any, and drops
// every pending event.
func (s *scheduler) stop() {
	s.cancel()
	<-s.done
}

func (s *scheduler) run(ctx context.Context) {
	defer close(s.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		ev, wait := s.next()
		if ev != nil {
			ev.fn(ctx)
			if ctx.Err() != nil {
				return
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// next pops the first due event, or says how long to wait for one.
func (s *scheduler) next() (*event, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return nil, time.Hour
	}
	if wait := time.Until(s.queue[0].at); wait > 0 {
		return nil, wait
	}
	return heap.Pop(&s.queue).(*event), 0
}

// eventQueue is a min-heap of events by due time, then sequence.
type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at.Equal(q[j].at) {
		return q[i].seq < q[j].seq
	}
	return q[i].at.Before(q[j].at)
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	ev := old[len(old)-1]
	*q = old[:len(old)-1]
	return ev
}
