#!/bin/sh
# Runs inside the debootstrapped rootfs (chroot) to turn it into a VM-like
# guest template: sshd, a sudo user, no baked-in host keys.
set -eu
rm -f /etc/ssh/ssh_host_*
useradd --create-home --shell /bin/bash --groups sudo pod
echo 'pod ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/pod
chmod 0440 /etc/sudoers.d/pod
mkdir -p /run/sshd
# Let pod's environment tests reach the guest (OpenSSH AcceptEnv).
echo 'AcceptEnv POD_*' > /etc/ssh/sshd_config.d/pod.conf
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/* /usr/share/locale/*
