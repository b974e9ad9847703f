#!/bin/sh
# Builds what the device lab boots for one architecture, from Debian's own
# packages (apt-get download; foreign architecture enabled):
#   DIR/vmlinuz        the kernel of linux-image-arm64 / linux-image-armmp-lpae
#   DIR/base.cpio.gz   an initramfs: busybox-static, iproute2, nftables,
#                      dnsmasq-base, the libraries they and edgenet-apply
#                      link (found by walking DT_NEEDED), and the kernel
#                      modules for bridges, veth and nftables (decompressed,
#                      modules.dep by depmod -b)
#   DIR/debs/          the downloaded packages (kept: a rebuild downloads
#                      only what changed)
#
#   tests/lab/mkroot.sh ARCH DIR        ARCH: arm64 | armhf
set -eu
ARCH=$1 DIR=$2
case $ARCH in
arm64) FLAVOUR=arm64 TRIPLET=aarch64-linux-gnu ;;
armhf) FLAVOUR=armmp-lpae TRIPLET=arm-linux-gnueabihf ;;
*) echo "mkroot: unknown architecture $ARCH" >&2; exit 2 ;;
esac
# The programs the scenarios run, and the libraries edgenet-apply links.
SEED="busybox-static iproute2 nftables dnsmasq-base time libmnl0 libnftnl11"
# Pulled in by dependencies, never run in the lab.
SKIP="dpkg tar passwd cdebconf install-info libdebian-installer4 libnewt0.52
libslang2 libtextwrap1 libpam-modules libpam-modules-bin libpam0g libsemanage2
libsemanage-common libsepol2 libaudit1 libaudit-common libcap2-bin debconf
readline-common"
# Kernel modules (and what they depend on): loaded at boot in this order
# (crc32c_generic before libcrc32c, or nf_tables and conntrack fail).
MODULES="crc32c_generic libcrc32c veth bridge nf_tables nf_conntrack nf_nat
nft_chain_nat nft_masq nft_ct nft_nat nft_reject nft_reject_inet nft_reject_ipv4
nft_reject_ipv6 nft_fib nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 nft_counter
nft_limit nft_log nft_redir nft_compat af_packet"

mkdir -p "$DIR/debs"
DIR=$(cd "$DIR" && pwd)
kpkg=$(apt-cache depends "linux-image-$FLAVOUR:$ARCH" 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -1)
[ -n "$kpkg" ] || { echo "mkroot: no linux-image-$FLAVOUR:$ARCH (apt-get update? dpkg --add-architecture $ARCH?)" >&2; exit 1; }
pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests \
    --no-conflicts --no-breaks --no-replaces --no-enhances --no-pre-depends \
    $(for p in $SEED; do echo "$p:$ARCH"; done) |
    sed -n "s/^\([a-z0-9][^ ]*\):$ARCH\$/\1/p" | sort -u)
want=""
for p in $pkgs; do
	case " $(echo $SKIP) " in *" $p "*) continue ;; esac
	want="$want $p:$ARCH"
done
want="$want $kpkg:$ARCH"
# The files of the current versions (one apt call: each costs seconds);
# download those not in the cache yet.
apt-get download --print-uris $want > "$DIR/uris"
cut -d' ' -f2 "$DIR/uris" > "$DIR/debs.list"
cd "$DIR/debs"
get=""
for p in $want; do
	f=$(grep -m1 "/${p%:*}_[^/]*' " "$DIR/uris" | cut -d' ' -f2)
	[ -n "$f" ] && [ -f "$f" ] || get="$get $p"
done
[ -z "$get" ] || apt-get download $get 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2
ls "$DIR/debs" | grep -vxF -f "$DIR/debs.list" | xargs -r rm -f --

# Every package unpacked into a staging tree.
ST=$DIR/staging
rm -rf "$ST" "$DIR/root"
mkdir -p "$ST"
while read -r d; do dpkg-deb -x "$DIR/debs/$d" "$ST"; done < "$DIR/debs.list"
kver=$(ls "$ST/lib/modules" | head -1)
vmlinuz=$(ls "$ST"/boot/vmlinuz-* | head -1)
cp "$vmlinuz" "$DIR/vmlinuz.new"

# The root: busybox-static (its applets linked at boot, where no program
# of the same name is), iproute2's ip in every directory of PATH (busybox's
# own ip applet would shadow it), nft, dnsmasq, their libraries.
R=$DIR/root
for d in bin sbin usr/bin usr/sbin lib etc proc sys dev run tmp var/run lab; do
	mkdir -p "$R/$d"
done
cp "$ST/bin/busybox" "$R/bin/busybox"
for d in bin sbin usr/bin usr/sbin; do cp "$ST/bin/ip" "$R/$d/ip"; done
cp "$ST/usr/sbin/nft" "$ST/usr/sbin/dnsmasq" "$R/usr/sbin/"
cp "$ST/usr/bin/time" "$R/usr/bin/time"
# The dynamic loader and the libraries named by DT_NEEDED, transitively.
# The runtime's own are added for edgenet-apply (built against the same
# libmnl/libnftnl packages).
libdirs="$ST/lib/$TRIPLET $ST/usr/lib/$TRIPLET $ST/lib"
findlib() {
	for d in $libdirs; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	echo "mkroot: library $1 not found in the packages" >&2
	return 1
}
need="$(for f in "$R/bin/ip" "$R/usr/sbin/nft" "$R/usr/sbin/dnsmasq" "$R/usr/bin/time"; do
	readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
done) libmnl.so.0 libnftnl.so.11"
interp=$(readelf -l "$R/bin/ip" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
mkdir -p "$R$(dirname "$interp")"
cp -L "$ST$interp" "$R$interp"
done_libs=" "
while [ -n "$(echo $need)" ]; do
	next=""
	for l in $need; do
		case $done_libs in *" $l "*) continue ;; esac
		done_libs="$done_libs$l "
		f=$(findlib "$l")
		mkdir -p "$R/lib/$TRIPLET"
		cp -L "$f" "$R/lib/$TRIPLET/$l"
		next="$next $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
	done
	need=$next
done
# dnsmasq drops to user nobody; the runtime's udhcpc hook is a sh script.
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\ndnsmasq:x:100:65534:dnsmasq:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
printf '127.0.0.1 localhost\n' > "$R/etc/hosts"
mknod "$R/dev/console" c 5 1

# Kernel modules: the closure of $MODULES by modules.dep, decompressed
# (busybox modprobe reads plain .ko files), then depmod -b for the lab's
# own modules.dep (Debian's packages ship none).
M=$ST/lib/modules/$kver
depmod -b "$ST" "$kver"
mods=""
for m in $MODULES; do
	f=$(find "$M/kernel" -name "$m.ko*" | head -1)
	[ -n "$f" ] || continue		# built into this kernel
	mods="$mods ${f#$M/}"
	mods="$mods $(grep "^${f#$M/}:" "$M/modules.dep" | cut -d: -f2)"
done
for f in $(echo $mods | tr ' ' '\n' | sort -u); do
	mkdir -p "$R/lib/modules/$kver/$(dirname "$f")"
	case $f in
	*.xz) xz -dc "$M/$f" > "$R/lib/modules/$kver/${f%.xz}" ;;
	*.zst) zstd -qdc "$M/$f" > "$R/lib/modules/$kver/${f%.zst}" ;;
	*) cp "$M/$f" "$R/lib/modules/$kver/$f" ;;
	esac
done
cp "$M/modules.order" "$M/modules.builtin" "$M/modules.builtin.modinfo" \
    "$R/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$R" "$kver"
echo "$MODULES" > "$R/lab/modules"

(cd "$R" && find . | cpio -o -H newc --quiet) | gzip -1 > "$DIR/base.cpio.gz.new"
mv "$DIR/vmlinuz.new" "$DIR/vmlinuz"
mv "$DIR/base.cpio.gz.new" "$DIR/base.cpio.gz"
rm -rf "$ST"
echo "mkroot: $ARCH kernel $kver, initramfs $(du -k "$DIR/base.cpio.gz" | cut -f1) KB"
