package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// A test-only knob (-task-delay), for tests that must cancel a vSphere task
// while it still runs: they start a private pod-vcsim with it on a port of
// their own; the shared lab instance never gets it (simulator.TaskDelay is
// process-wide, it would slow every test's tasks).

// parseTaskDelay reads "CloneVm=8000,PowerOnVm=500" (task name = milliseconds).
func parseTaskDelay(spec string) (map[string]int, error) {
	delays := map[string]int{}
	for _, part := range strings.Split(spec, ",") {
		name, ms, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(ms)
		if !ok || name == "" || err != nil || n < 0 {
			return nil, fmt.Errorf("-task-delay: %q is not Name=milliseconds", part)
		}
		delays[name] = n
	}
	return delays, nil
}

// withCancellableTasks makes CancelTask stop the work of a task that has not
// started it yet, as vCenter does: vcsim's own CancelTask only marks the task
// failed, and the delayed work (a clone) still runs afterwards and overwrites
// the state with success. The handler swaps the task's work for a
// RequestCanceled fault, then lets vcsim's CancelTask mark it. (Written under
// the task's lock, read without it by the task's goroutine after its delay:
// good enough for a lab knob whose delays are seconds long.)
func withCancellableTasks(next func(*simulator.Context, *simulator.Method) (mo.Reference, types.BaseMethodFault)) func(*simulator.Context, *simulator.Method) (mo.Reference, types.BaseMethodFault) {
	return func(ctx *simulator.Context, method *simulator.Method) (mo.Reference, types.BaseMethodFault) {
		if method.Name != "CancelTask" {
			return next(ctx, method)
		}
		if task, ok := ctx.Map.Get(method.This).(*simulator.Task); ok {
			ctx.WithLock(task, func() {
				if task.Info.State == types.TaskInfoStateQueued || task.Info.State == types.TaskInfoStateRunning {
					task.Execute = func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
						return nil, new(types.RequestCanceled)
					}
				}
			})
		}
		return nil, nil
	}
}
