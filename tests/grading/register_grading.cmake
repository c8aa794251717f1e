# `w2v-gradcheck grade` on every example solution (C++ and Python): exit
# status, exactly the failing checks, the hint of each, time limits, all
# reports written. Included from tests/CMakeLists.txt, which runs before the
# top level adds examples/solutions/, so the test is registered at the end of
# the top-level directory (see register_protocol.cmake). W2V_PYTHON: see the
# top-level CMakeLists.txt.
function(w2v_register_grading_test python script python_dir workdir)
  if(TARGET solution_correct)
    add_test(NAME grading.examples
      COMMAND ${python} ${script} --bin $<TARGET_FILE:w2v-gradcheck>
              --cpp-dir $<TARGET_FILE_DIR:solution_correct>
              --python-dir ${python_dir} --workdir ${workdir})
    # 41 gradings. The timeout is only a safety net so that a hung harness
    # cannot stall CI; nothing measures speed (the script asserts that the
    # sandbox's own limits fire, from what the reports say).
    set_tests_properties(grading.examples PROPERTIES TIMEOUT 3600)
  endif()
endfunction()

cmake_language(EVAL CODE "
  cmake_language(DEFER DIRECTORY [[${PROJECT_SOURCE_DIR}]]
    CALL w2v_register_grading_test [[${W2V_PYTHON}]]
         [[${CMAKE_CURRENT_LIST_DIR}/grade_examples.py]]
         [[${PROJECT_SOURCE_DIR}/examples/solutions/python]]
         [[${CMAKE_CURRENT_BINARY_DIR}/grading_examples]])")
