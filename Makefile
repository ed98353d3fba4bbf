# SPDX-License-Identifier: GPL-2.0
# aufs_rs: out-of-tree build (`make KDIR=...`) plus the project's own targets.
#
#   make                 build aufs_rs.ko against KDIR (a Rust-enabled kernel build)
#   make run             set up everything, boot the test VM, show (and check) the seed articles
#   make check           set up everything, run host unit tests and guest selftests
#   make soak            the soak tests for SOAK_SECONDS (600) each (KERNEL=debian: Debian's)
#   make vm-run CMD=...  run one command in a fresh guest with the module loaded
#                        (KERNEL=debian: in Debian's stock kernel)
#   make debian-module   build aufs_rs.ko for a Debian stock 7.3 kernel (DEBIAN_KVER=...)
#   make fresh-check     make check and make run in a fresh Debian 12 root (debootstrap)
#   make install         install the module (built against KDIR, or MODULE=path.ko),
#                        the tools (tools/) and the man pages, under DESTDIR
#   make tools           build the tools static; prints the dir holding them
KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all modules clean setup run check soak docker-check vm-run unit clippy fmt lint bench debian-module debian-dkms-test fresh-check install tools

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clippy:
	$(MAKE) -C $(KDIR) M=$(CURDIR) CLIPPY=1 modules

fmt:
	rustfmt --config-path .rustfmt.toml $(shell git ls-files '*.rs')

lint:
	scripts/lint.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f vfs/bindings_generated.rs

setup:
	scripts/setup.sh

unit:
	scripts/unit-tests.sh

run:
	scripts/vm.sh run

check:
	scripts/check.sh

soak:
	scripts/soak.sh

docker-check:
	scripts/docker-check.sh

bench:
	scripts/bench.sh

vm-run:
	@scripts/vm.sh cmd "$(CMD)"

debian-module:
	@scripts/debian/build.sh

debian-dkms-test:
	@scripts/debian/test-dkms.sh

fresh-check:
	scripts/fresh-check.sh

install:
	@DESTDIR="$(DESTDIR)" MODULE="$(MODULE)" KDIR="$(KDIR)" scripts/install.sh

tools:
	@scripts/build-tools.sh
