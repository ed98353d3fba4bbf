# The two seed articles' examples and Docker's layers, as `make run` shows
# them: runs the same tests/selftests/demo.sh, which checks every step (output,
# errors, the branches' files, the article's /sys/fs/aufs lines) and exits
# non-zero when any step did not do what the articles say.
sh /tests/demo.sh || fail "demo.sh: a step did not do what the articles say (the !! lines above)"
