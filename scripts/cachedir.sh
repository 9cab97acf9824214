# Where cleancast's fetched material lives; source this file (POSIX sh, bash, make's $(shell)).
# Sets and exports CLEANCAST_CACHE, the first that applies of:
#   $CLEANCAST_CACHE                  when set and not empty
#   $XDG_CACHE_HOME/cleancast         when XDG_CACHE_HOME is an absolute path (XDG spec)
#   $HOME/.cache/cleancast
# Models go to $CLEANCAST_CACHE/models, the first place cc_model_find() (the library) looks;
# tests/util/testutil.c resolves the same way. Keep the three in step.
if [ -z "${CLEANCAST_CACHE:-}" ]; then
  case ${XDG_CACHE_HOME:-} in
    /*) CLEANCAST_CACHE=$XDG_CACHE_HOME/cleancast ;;
    *) CLEANCAST_CACHE=${HOME:?HOME is not set}/.cache/cleancast ;;
  esac
fi
export CLEANCAST_CACHE
