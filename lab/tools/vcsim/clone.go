package main

import (
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// inheritBacking makes a clone of a template carry the template's container
// backing (its RUN.* extraConfig keys). Real vSphere copies the source's
// extraConfig into a clone; vcsim's CloneVM_Task keeps only the spec's, so
// without this a clone of a lab template would be a VM without a guest and
// every program would need lab-only extraConfig. Keys the caller sets in the
// clone spec win. Only templates are touched, so clones of the lab's own
// container-backed VMs behave as vcsim always did.
func inheritBacking(ctx *simulator.Context, method *simulator.Method) (mo.Reference, types.BaseMethodFault) {
	req, ok := method.Body.(*types.CloneVM_Task)
	if !ok {
		return nil, nil
	}
	source, ok := ctx.Map.Get(method.This).(*simulator.VirtualMachine)
	if !ok {
		return nil, nil
	}
	var inherited []types.BaseOptionValue
	ctx.WithLock(source, func() {
		if source.Config == nil || !source.Config.Template {
			return
		}
		for _, opt := range source.Config.ExtraConfig {
			if v := opt.GetOptionValue(); v != nil && strings.HasPrefix(v.Key, "RUN.") {
				inherited = append(inherited, &types.OptionValue{Key: v.Key, Value: v.Value})
			}
		}
	})
	if len(inherited) == 0 {
		return nil, nil
	}
	if req.Spec.Config == nil {
		req.Spec.Config = &types.VirtualMachineConfigSpec{}
	}
	given := map[string]bool{}
	for _, opt := range req.Spec.Config.ExtraConfig {
		if v := opt.GetOptionValue(); v != nil {
			given[v.Key] = true
		}
	}
	for _, opt := range inherited {
		if !given[opt.GetOptionValue().Key] {
			req.Spec.Config.ExtraConfig = append(req.Spec.Config.ExtraConfig, opt)
		}
	}
	return nil, nil
}
