# `grade --python` when the grading environment, not the student's file, is
# broken: no such interpreter, a python3 without numpy, an address-space limit
# too small for numpy. Each is a harness error (exit 2) with the real reason,
# and the reports are still written; a student's syntax error stays a failed
# grade (exit 1).
# Usage: cmake -DBIN=w2v-gradcheck -DPYTHON=python3-with-numpy -DSOLUTION=correct.py
#              -DWORK=scratch-dir -P grade_environment.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(expect_grade name expected_code pattern)
  set(json ${WORK}/${name}.json)
  set(command ${BIN} grade --shapes 1 --timeout 10 --color never --json ${json} ${ARGN})
  execute_process(COMMAND ${command} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 300)
  string(REPLACE ";" " " shown "${command}")
  if(NOT code EQUAL ${expected_code})
    message(FATAL_ERROR "[${name}] ${shown}: exit ${code}, expected ${expected_code}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "[${name}] ${shown}: output does not match '${pattern}':\n${out}\n${err}")
  endif()
  if(NOT EXISTS ${json})
    message(FATAL_ERROR "[${name}] ${shown}: the JSON report was not written")
  endif()
  set(output "${out}${err}" PARENT_SCOPE)
endfunction()

expect_grade(no_interpreter 2
  "grading environment cannot run Python solutions .*cannot run '/nonexistent/python3': No such file"
  --python ${SOLUTION} --python-interpreter /nonexistent/python3)

# A python3 whose numpy cannot be imported.
file(MAKE_DIRECTORY ${WORK}/no_numpy)
file(WRITE ${WORK}/no_numpy/numpy.py "raise ImportError('No module named numpy (simulated)')\n")
file(WRITE ${WORK}/no_numpy/python3 "#!/bin/sh\nPYTHONPATH=${WORK}/no_numpy exec ${PYTHON} \"$@\"\n")
file(CHMOD ${WORK}/no_numpy/python3 PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
expect_grade(no_numpy 2 "ImportError: No module named numpy \\(simulated\\)"
  --python ${SOLUTION} --python-interpreter ${WORK}/no_numpy/python3)

# numpy and OpenBLAS need more than 64 MiB of address space. Whatever fails
# first (a shared object that cannot be mapped, a thread that cannot start),
# the message must not claim numpy is missing.
expect_grade(memory_limit 2 "address-space limit 64 MiB"
  --python ${SOLUTION} --python-interpreter ${PYTHON} --memory-limit 64)
if(output MATCHES "numpy is not installed")
  message(FATAL_ERROR "[memory_limit] blames a missing numpy:\n${output}")
endif()

# The student's own file failing is a failed grade, not a harness error.
file(WRITE ${WORK}/broken.py "def sigmoid(x:\n    return x\n")
expect_grade(student_syntax_error 1 "SyntaxError"
  --python ${WORK}/broken.py --python-interpreter ${PYTHON})
if(output MATCHES "grading environment")
  message(FATAL_ERROR "[student_syntax_error] blames the environment:\n${output}")
endif()
