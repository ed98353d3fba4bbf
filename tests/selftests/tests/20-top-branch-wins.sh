# Top-down lookup: the topmost branch that has a name decides its type and
# content; a dir on several branches merges; an upper file hides a lower dir.
mkdir -p a b c
echo a > a/same && echo b > b/same && echo c > c/same
mkdir -p a/merged b/merged c/merged && echo 1 > a/merged/x && echo 2 > b/merged/y && echo 3 > c/merged/z
echo b > b/merged/x
echo file > a/shadow && mkdir c/shadow && echo hidden > c/shadow/inner
mkdir b/dironly && echo deep > c/onlyc
aufs_mount "br=$PWD/a=ro:$PWD/b=ro:$PWD/c=ro"
assert_eq "$(cat mnt/same)" a "topmost content"
assert_eq "$(ls mnt/merged | tr '\n' ' ')" "x y z " "merged dir"
assert_eq "$(cat mnt/merged/x)" 1 "merged dir: top copy of x"
assert_eq "$(stat -c %F mnt/shadow)" "regular file" "upper file hides lower dir"
[ -e mnt/shadow/inner ] && fail "entry of a hidden lower dir is reachable"
assert_eq "$(cat mnt/onlyc)" deep "file only on the bottom branch"
assert_eq "$(stat -c %F mnt/dironly)" directory "dir only on a middle branch"
