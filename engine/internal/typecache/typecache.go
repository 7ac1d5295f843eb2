// Package typecache keeps one compiled function per Go type, built once, for the table-driven
// codecs (jsonenc, jsondec). A type that refers to itself gets, while it is being built, a
// forwarder to the function still to come. Fields is the one reading of encoding/json's struct
// tags that both codecs build on.
package typecache

import (
	"reflect"
	"sync"
	"sync/atomic"
)

// Cache maps types to their functions F; the zero value is ready to use.
type Cache[F any] struct {
	m sync.Map // reflect.Type -> *entry[F]
}

type entry[F any] struct {
	built atomic.Bool // f and ok are set
	done  sync.WaitGroup
	f     F
	ok    bool
}

// Get returns t's function, building it with build on first use; ok is false when build
// could not (the type is not supported). While t is being built (it refers to itself, or
// another goroutine is building it), Get returns forward(wait): a function that, called, asks
// wait for the finished one (ok false if there is none) and hands over to it.
func (c *Cache[F]) Get(t reflect.Type, build func(reflect.Type) (F, bool), forward func(wait func() (F, bool)) F) (F, bool) {
	v, loaded := c.m.Load(t)
	if !loaded {
		e := &entry[F]{}
		e.done.Add(1)
		if v, loaded = c.m.LoadOrStore(t, e); !loaded {
			e.f, e.ok = build(t)
			e.built.Store(true)
			e.done.Done()
			return e.f, e.ok
		}
	}
	e := v.(*entry[F])
	if e.built.Load() {
		return e.f, e.ok
	}
	return forward(func() (F, bool) { e.done.Wait(); return e.f, e.ok }), true
}
