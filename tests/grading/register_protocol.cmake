# The C++ side of the solution protocol (docs/protocol.md): the example
# solutions of examples/solutions/ driven over fds 3 and 4 by a Python script.
# Included from tests/CMakeLists.txt. That runs before the top level adds
# examples/solutions/, so the test is registered at the end of the top-level
# directory, once it is known whether the examples are built at all.
# The script needs numpy: W2V_PYTHON (see the top-level CMakeLists.txt).
function(w2v_register_protocol_test python script)
  if(TARGET solution_correct)
    add_test(NAME grading.protocol
      COMMAND ${python} ${script} --bin-dir $<TARGET_FILE_DIR:solution_correct>)
    # Starts about twenty solution processes; one waits out a 1 s hang. The
    # timeout is only a safety net against a hang, far above that.
    set_tests_properties(grading.protocol PROPERTIES TIMEOUT 900)
  endif()
endfunction()

# EVAL so the paths are expanded now, not when the deferred call runs.
cmake_language(EVAL CODE "
  cmake_language(DEFER DIRECTORY [[${PROJECT_SOURCE_DIR}]]
    CALL w2v_register_protocol_test [[${W2V_PYTHON}]]
         [[${CMAKE_CURRENT_LIST_DIR}/protocol_smoke.py]])")
