"""Proof that the generated Python SDK (pulumi_pod) imports and registers pod's resources.

Runs with PyPI's `pulumi` package and Pulumi's mocks instead of an engine: each resource
registers with its token and with the union values (script string, ShellScript, NIC index)
and enum values schema.json gives. No engine and no plugin run here (no Python language
host is available in the lab), so this proves the SDK, not a `pulumi up`.

`proof.py argv` tries a command given as an argv list, which Pulumi's Python SDK cannot
serialize into a union-typed input (pulumi/pulumi#6950), and prints what happened.
"""

import json
import sys

import pulumi

seen = {}


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        seen[args.name] = {"type": args.typ, "inputs": args.inputs}
        return [f"{args.name}-id", {**args.inputs, "moid": "vm-42"}]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}


pulumi.runtime.set_mocks(Mocks(), preview=False)

import pulumi_pod as pod  # noqa: E402  (imported once the mocks are in place)

TARGET = pod.GuestTargetArgs(host="10.0.0.5", transport=pod.Transport.SSH, user="pod")


@pulumi.runtime.test
def program():
    vm = pod.PodVm(
        "web",
        name="web-1",
        template="pod-template-debian12",
        power_state=pod.PowerState.ON,
        nics=[pod.NicArgs(vlan_id=120, adapter_type=pod.AdapterType.VMXNET3)],
    )
    text = pod.PodCommand("script", target=TARGET, create="uname -sr", logging=pod.Logging.STDOUT)
    shell = pod.PodCommand(
        "shell", target=TARGET, create=pod.ShellScriptArgs(script="echo hi", shell=pod.Shell.BASH)
    )
    net = pod.PodNetwork("net", vm=vm.moid, nic=0, port_group=pod.PortGroupSpecArgs(name="pg", vlan_id=120))
    provider = pod.Provider("vc2", vsphere_host="vc2.lab:443", vsphere_insecure=True)
    return pulumi.Output.all(vm.id, text.id, shell.id, net.id, provider.id).apply(lambda _: None)


@pulumi.runtime.test
def argv_program():
    return pod.PodCommand("argv", target=TARGET, create=["uname", "-sr"]).id


if sys.argv[1:] == ["argv"]:
    try:
        argv_program()
        print(json.dumps({"argv": "ok", "inputs": seen.get("argv", {}).get("inputs")}))
    except Exception as e:  # the SDK's serializer raises AssertionError; report it as data
        print(json.dumps({"argv": "fails", "error": str(e).splitlines()[-1]}))
else:
    program()
    print(json.dumps(seen, sort_keys=True))
