// Pulumi resources for vSphere test labs: VMs, VLAN port groups, guest networks and commands.
package pod
