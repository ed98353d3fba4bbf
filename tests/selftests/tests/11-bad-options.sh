# Bad mount input fails with the right errno and one 'aufs:' kernel message,
# and mounts nothing.
mkdir b m && : > notdir
check() { # ERRNO MESSAGE DATA
	dmesg_clear
	expect_errno "$1" mount aufs none m "$3"
	dmesg_expect "$2"
	grep -q " $PWD/m " /proc/mounts && fail "mounted with -o $3"
	true
}
check EINVAL "no branch given" ""
check EINVAL "no branch given" "br="
check EINVAL "no branch given" "br=::"
check ENOENT "no such directory" "br=$PWD/missing"
check ENOTDIR "not a directory" "br=$PWD/notdir"
check EINVAL 'unknown option "bogus"' "br=$PWD/b,bogus"
check EINVAL 'unknown branch permission "xx"' "br=$PWD/b=xx"
check EINVAL 'unknown branch permission "rw+wh"' "br=$PWD/b=rw+wh"
check EINVAL 'option "brs" is not supported: brs is a module parameter' "br=$PWD/b,brs"
check EINVAL 'bad value for option "udba"' "br=$PWD/b,udba=sometimes"
check EINVAL 'branch edits (add, del, ...) are for remount' "br=$PWD/b,append:$PWD/b"
check EINVAL 'bad value for option "fhsm_sec"' "br=$PWD/b,fhsm_sec=-1"
check EINVAL 'unknown branch permission "ro+fhsm"' "br=$PWD/b=ro+fhsm"
check EINVAL 'bad value for option "dirwh"' "br=$PWD/b,dirwh=-1"
check EINVAL 'shwh needs a read-only mount' "br=$PWD/b,shwh"
check EINVAL 'bad value for option "trunc_xib"' "br=$PWD/b,trunc_xib=1"
check EINVAL 'bad value for option "itrunc_xino"' "br=$PWD/b,itrunc_xino=x"
check EINVAL 'branch edits (add, del, ...) are for remount' "br=$PWD/b,itrunc_xino=0"
check EINVAL 'bad value for option "sum"' "br=$PWD/b,sum=1"
check EINVAL 'bad value for option "dio"' "br=$PWD/b,dio=1"
