# The setup of the portico_test_logs fixture: an empty log folder for this ctest run, and a stamp
# that tells test_logscan when the run started (so it reads ctest's record of this run only).
# Usage: cmake -DDIR=<folder> -P resetlogdir.cmake
if(NOT DIR)
    message(FATAL_ERROR "resetlogdir.cmake needs -DDIR=<folder>")
endif()
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
file(TOUCH "${DIR}/.run-started")
