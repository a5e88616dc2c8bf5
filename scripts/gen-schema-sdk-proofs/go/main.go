// Command sdk-proof-go proves the generated Go SDK (github.com/pod-lab/pulumi-pod/sdk/go/pod):
// it compiles against Pulumi's Go SDK at the lab CLI's version, and, run with Pulumi's mocks
// instead of an engine, registers each resource with its token and with the union values
// (argv list, script string, ShellScript, NIC index) and enum values schema.json gives.
// No engine and no plugin run here (no Go language host is available in the lab).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"github.com/pod-lab/pulumi-pod/sdk/go/pod"
	podconfig "github.com/pod-lab/pulumi-pod/sdk/go/pod/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type mocks struct {
	mu   sync.Mutex
	seen map[string]any
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[args.Name] = map[string]any{"type": args.TypeToken, "inputs": args.Inputs.Mappable()}
	outputs := args.Inputs.Copy()
	outputs["moid"] = resource.NewStringProperty("vm-42")
	return args.Name + "-id", outputs, nil
}

func (m *mocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) { return resource.PropertyMap{}, nil }

func program(ctx *pulumi.Context) error {
	target := pod.GuestTargetArgs{Host: pulumi.String("10.0.0.5"), Transport: pod.TransportSsh, User: pulumi.String("pod")}
	vm, err := pod.NewPodVm(ctx, "web", &pod.PodVmArgs{
		Name:       pulumi.String("web-1"),
		Template:   pulumi.String("pod-template-debian12"),
		PowerState: pod.PowerStateOn,
		Nics:       pod.NicArray{pod.NicArgs{VlanId: pulumi.Int(120), AdapterType: pod.AdapterTypeVmxnet3}},
	})
	if err != nil {
		return err
	}
	commands := map[string]pulumi.Input{
		"argv":   pulumi.StringArray{pulumi.String("uname"), pulumi.String("-sr")},
		"script": pulumi.String("uname -sr"),
		"shell":  pod.ShellScriptArgs{Script: pulumi.String("echo hi"), Shell: pod.ShellBash},
	}
	for name, create := range commands {
		if _, err := pod.NewPodCommand(ctx, name, &pod.PodCommandArgs{Target: target, Create: create}); err != nil {
			return err
		}
	}
	portGroup := &pod.PortGroupSpecArgs{Name: pulumi.String("pg"), VlanId: pulumi.Int(120)}
	if _, err := pod.NewPodNetwork(ctx, "net", &pod.PodNetworkArgs{Vm: vm.Moid, Nic: pulumi.Int(0), PortGroup: portGroup}); err != nil {
		return err
	}
	// Stack config (pod:vsphereHost) as the default provider sees it; unset here, so a second vCenter is explicit.
	host := podconfig.GetVsphereHost(ctx)
	if host == "" {
		host = "vc2.lab:443"
	}
	_, err = pod.NewProvider(ctx, "vc2", &pod.ProviderArgs{VsphereHost: pulumi.String(host)})
	return err
}

func main() {
	m := &mocks{seen: map[string]any{}}
	if err := pulumi.RunErr(program, pulumi.WithMocks("sdk-proof", "go", m)); err != nil {
		fmt.Fprintln(os.Stderr, "sdk-proof-go:", err)
		os.Exit(1)
	}
	out, err := json.Marshal(m.seen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdk-proof-go:", err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
