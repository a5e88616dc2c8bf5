// Command pod-vcsim serves govmomi's vSphere simulator for the pod lab: a
// vCenter model over TLS on a loopback address, with fixed credentials, the
// inventory the pod tests expect (two hosts in a cluster, a standard vSwitch
// and a distributed switch) and one VM template per guest kind.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	// vAPI REST (/rest: sessions, tagging, content libraries): registered by
	// this package's init, served because RegisterEndpoints is set below.
	_ "github.com/vmware/govmomi/vapi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// template is one of the lab's VM templates: guestId lets pod read the OS
// family from vSphere before any guest probe; image is the lab's guest image
// that backs every clone (see backing).
type template struct {
	guestID string
	image   string
}

// templates are cloned from the model's first VM and marked as templates.
var templates = map[string]template{
	"pod-template-debian12":    {"debian12_64Guest", "pod-guest-debian:12"},
	"pod-template-rocky9":      {"rockylinux_64Guest", "pod-guest-rocky:9"},
	"pod-template-windows2022": {"windows2019srvNext_64Guest", "pod-guest-windows:2022"},
}

// backing is the extraConfig that makes a vcsim VM a Docker container of the
// image: labelled for `make lab-down`, with NET_ADMIN so pod can configure
// the guest's interfaces, and without vcsim's DMI mount (needs root's /sys).
func backing(image string) []types.BaseOptionValue {
	return []types.BaseOptionValue{
		&types.OptionValue{Key: "RUN.container", Value: "--cap-add NET_ADMIN --label pod.lab=1 " + image},
		&types.OptionValue{Key: "RUN.mountdmi", Value: "false"},
	}
}

func main() {
	listen := flag.String("l", "127.0.0.1:8989", "listen address")
	cert := flag.String("tlscert", "", "TLS certificate (PEM)")
	key := flag.String("tlskey", "", "TLS private key (PEM)")
	user := flag.String("username", "pod", "login user")
	pass := flag.String("password", "", "login password (or env POD_VCSIM_PASSWORD)")
	vms := flag.Int("vm", 2, "VMs per resource pool")
	hosts := flag.Int("host", 2, "hosts per cluster")
	taskDelay := flag.String("task-delay", "", "test-only: Name=ms,... delays before tasks run, cancellable (see task-delay.go)")
	flag.Parse()
	if *pass == "" {
		*pass = os.Getenv("POD_VCSIM_PASSWORD")
	}
	if *cert == "" || *key == "" || *pass == "" {
		log.Fatal("pod-vcsim: -tlscert, -tlskey and a password are required")
	}

	model := simulator.VPX()
	model.Datacenter, model.Cluster, model.ClusterHost, model.Host = 1, 1, *hosts, 0
	model.Machine, model.Portgroup, model.Autostart = *vms, 1, false
	if err := model.Create(); err != nil {
		log.Fatalf("pod-vcsim: create model: %v", err)
	}
	defer model.Remove()

	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatalf("pod-vcsim: load TLS key pair: %v", err)
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	model.Service.RegisterEndpoints = true
	model.Map().Handler = inheritBacking
	var delays map[string]int
	if *taskDelay != "" {
		if delays, err = parseTaskDelay(*taskDelay); err != nil {
			log.Fatalf("pod-vcsim: %v", err)
		}
		model.Map().Handler = withCancellableTasks(inheritBacking)
	}
	server := model.Service.NewServer()
	defer server.Close()

	if err := addTemplates(server.URL); err != nil {
		log.Fatalf("pod-vcsim: add templates: %v", err)
	}
	// After the templates: their clones are not the tasks a test wants slow.
	simulator.TaskDelay.MethodDelay = delays
	// The lab script waits for this line.
	fmt.Printf("pod-vcsim ready https://%s/sdk\n", server.URL.Host)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

func addTemplates(u *url.URL) error {
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(ctx) }()
	finder := find.NewFinder(c.Client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	finder.SetDatacenter(dc)
	source, err := finder.VirtualMachine(ctx, "DC0_C0_RP0_VM0")
	if err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	for name, t := range templates {
		spec := types.VirtualMachineCloneSpec{
			Config: &types.VirtualMachineConfigSpec{GuestId: t.guestID, ExtraConfig: backing(t.image)},
		}
		task, err := source.Clone(ctx, folders.VmFolder, name, spec)
		if err != nil {
			return err
		}
		info, err := task.WaitForResult(ctx)
		if err != nil {
			return fmt.Errorf("clone %s: %w", name, err)
		}
		vm, err := finder.VirtualMachine(ctx, name)
		if err != nil {
			return fmt.Errorf("find %s (%v): %w", name, info.Result, err)
		}
		if err := vm.MarkAsTemplate(ctx); err != nil {
			return fmt.Errorf("mark %s as template: %w", name, err)
		}
	}
	return nil
}
