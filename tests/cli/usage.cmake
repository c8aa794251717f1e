# Runs the CLI with good and bad arguments and checks exit codes and messages.
# Usage: cmake -DBIN=path/to/w2v-gradcheck -P usage.cmake
function(expect_run expected_code pattern)
  execute_process(COMMAND ${BIN} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out
                  ERROR_VARIABLE err TIMEOUT 300)
  if(NOT code EQUAL ${expected_code})
    message(FATAL_ERROR "w2v-gradcheck ${ARGN}: exit ${code}, expected ${expected_code}\n${out}\n${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${pattern}")
    message(FATAL_ERROR "w2v-gradcheck ${ARGN}: output does not match '${pattern}':\n${out}\n${err}")
  endif()
endfunction()

expect_run(0 "b.naive.dv_c" --list)
expect_run(0 "1 passed, 0 failed" --only b.naive.dv_c --shapes 20)
expect_run(0 "6 passed, 0 failed" --only f --shapes 3)
expect_run(0 "1 passed, 0 failed" --only e.neg.du_k --case 5 --shapes 12 --stencil richardson)
expect_run(2 "no check matches 'nope'" --only nope)
expect_run(2 "--case 99 is out of range" --case 99 --shapes 10)
expect_run(2 "unknown stencil 'five'" --stencil five)
expect_run(2 "--shapes" --shapes 0)
expect_run(2 "--seed" --seed notanumber)
expect_run(2 "--bogus" --bogus)
expect_run(2 "unknown colour mode 'purple'" --color purple --only d)
expect_run(2 "--weights: bad item 'b=x'" --weights b=x --only d --shapes 1)
expect_run(2 "unknown mistake 'nope'" --inject-mistake nope)
# A report that cannot be written is an error, but the others are still written.
file(REMOVE ${CMAKE_CURRENT_BINARY_DIR}/usage-ok.json)
# (Missing directories are created; /dev/null cannot hold one.)
expect_run(2 "cannot write the HTML report to '/dev/null/r.html'"
           --only d --shapes 1 --html /dev/null/r.html --json ${CMAKE_CURRENT_BINARY_DIR}/usage-ok.json)
if(NOT EXISTS ${CMAKE_CURRENT_BINARY_DIR}/usage-ok.json)
  message(FATAL_ERROR "the JSON report was not written when the HTML one failed")
endif()
# A wrong gradient fails (exit 1) and the printed reproduce command re-runs
# just the failing case, which fails again.
# The command names the binary as it was invoked, so it can be pasted.
expect_run(1 "reproduce: ${BIN} --seed 42 --only b.naive.dv_c --case 1 --inject-mistake sign_flip"
           --only b --shapes 3 --inject-mistake sign_flip)
expect_run(1 "0 passed, 1 failed" --seed 42 --only b.naive.dv_c --case 1 --inject-mistake sign_flip)

# Report directories are created as needed.
file(REMOVE_RECURSE ${CMAKE_CURRENT_BINARY_DIR}/usage-new-dir)
expect_run(0 "HTML report: .*usage-new-dir/a/b.html" --only d --shapes 1
           --html ${CMAKE_CURRENT_BINARY_DIR}/usage-new-dir/a/b.html)

# grade: usage errors are exit 2 with a message naming the problem; a missing
# solution still gets its reports (every check failed with the reason).
expect_run(2 "grade needs exactly one of --solution PROGRAM or --python FILE" grade)
expect_run(2 "grade needs exactly one of --solution PROGRAM or --python FILE"
           grade --solution a --python b.py)
expect_run(2 "--inject-mistake applies to the reference run" grade --solution a --inject-mistake sign_flip)
expect_run(2 "--timeout" grade --solution a --timeout -1)
file(REMOVE ${CMAKE_CURRENT_BINARY_DIR}/usage-missing.json)
expect_run(2 "--solution '/no/such/solution': no such file" grade --solution /no/such/solution
           --shapes 1 --json ${CMAKE_CURRENT_BINARY_DIR}/usage-missing.json)
file(READ ${CMAKE_CURRENT_BINARY_DIR}/usage-missing.json missing_report)
if(NOT missing_report MATCHES "cannot run '/no/such/solution': No such file or directory")
  message(FATAL_ERROR "the report of a missing solution does not say why it failed")
endif()
expect_run(2 "--python 'nope.py': no such file" grade --python nope.py --shapes 1)

# Modes: every one passes the reference and catches a wrong gradient; the
# report says which ran.
expect_run(2 "unknown mode 'slow': valid modes are sampled, exhaustive, fast, auto" --mode slow)
expect_run(0 "mode exhaustive.*4 passed, 0 failed" --mode exhaustive --only c,b --shapes 15)
expect_run(0 "mode fast.*4 passed, 0 failed" --mode fast --only e --shapes 15)
expect_run(0 "mode auto.*17 passed, 0 failed" --mode auto --shapes 10)
expect_run(1 "FAIL   e.neg.du_k" --mode fast --only e.neg.du_k --shapes 15 --inject-mistake dropped_repeats)
expect_run(1 "reproduce: ${BIN} --seed 42 --only c.naive.dU --case 0 --inject-mistake forgot_minus_y --mode exhaustive"
           --mode exhaustive --only c.naive.dU --shapes 3 --inject-mistake forgot_minus_y)
expect_run(1 "reproduce: ${BIN} --seed 42 --only c.naive.dU --case 0 --inject-mistake forgot_minus_y --mode sampled"
           --mode sampled --only c.naive.dU --shapes 3 --inject-mistake forgot_minus_y)
# The default is auto (every entry; tests/checks/test_wrong_gradients.cpp
# shows what that catches).
expect_run(0 "mode auto.*17 passed, 0 failed" --shapes 10)

# Numbers: a sign, a fraction or garbage is refused with the flag's name, and
# ranges are stated in words (no 300-digit DBL_MAX).
expect_run(2 "--seed: expected a whole number ≥ 0, got '-1'" --seed -1)
expect_run(2 "--max-coordinates: expected a whole number ≥ 0, got '-3'" --max-coordinates -3)
expect_run(2 "--case: expected a whole number ≥ 0, got '-1'" --case -1)
expect_run(2 "--threads: expected a whole number ≥ 0, got '1.5'" --threads 1.5)
expect_run(2 "--seed: '99999999999999999999' is too large" --seed 99999999999999999999)
expect_run(2 "--step-scale: must be ≥ 0, got -1" --step-scale -1)
expect_run(2 "--safety: must be > 0, got 0" --safety 0)
expect_run(2 "--safety: expected a number, got 'inf'" --safety inf)
foreach(flag --safety --step-scale)
  execute_process(COMMAND ${BIN} ${flag} -1 OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if("${out}${err}" MATCHES "179769313")
    message(FATAL_ERROR "${flag} -1 prints DBL_MAX:\n${err}")
  endif()
endforeach()
expect_run(2 "--only: 1 required TEXT missing" --only= )
expect_run(2 "--only 'b,,c': empty check id" --only "b,,c")
expect_run(2 "--weights: no check matches 'zz'" --weights "b=2,zz=1" --only d --shapes 1)

# A repeated --case is one case.
expect_run(0 "PASS   b.naive.dv_c +1/1 " --only b.naive.dv_c --case 1 --case 1 --shapes 3)

# A usage error still writes the reports asked for, saying why (schema and
# content: tests/reports/validate_reports.py).
file(REMOVE ${CMAKE_CURRENT_BINARY_DIR}/usage-error.json ${CMAKE_CURRENT_BINARY_DIR}/usage-error.xml)
expect_run(2 "--seed: expected a whole number" --seed -1 --json=${CMAKE_CURRENT_BINARY_DIR}/usage-error.json
           --junit ${CMAKE_CURRENT_BINARY_DIR}/usage-error.xml)
file(READ ${CMAKE_CURRENT_BINARY_DIR}/usage-error.json usage_error_report)
if(NOT usage_error_report MATCHES "\"error\": \"--seed: expected a whole number")
  message(FATAL_ERROR "the JSON report of a usage error does not say why:\n${usage_error_report}")
endif()
file(READ ${CMAKE_CURRENT_BINARY_DIR}/usage-error.xml usage_error_junit)
if(NOT usage_error_junit MATCHES "<error message=\"--seed: expected a whole number")
  message(FATAL_ERROR "the JUnit report of a usage error has no error:\n${usage_error_junit}")
endif()
