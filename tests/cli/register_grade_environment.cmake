# tests/cli/grade_environment.cmake: grade --python in a broken grading
# environment exits 2 with the real reason. Included from tests/CMakeLists.txt.
add_test(NAME cli.grade_environment
  COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:w2v-gradcheck> -DPYTHON=${W2V_PYTHON}
          -DSOLUTION=${PROJECT_SOURCE_DIR}/examples/solutions/python/correct.py
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/grade_environment
          -P ${CMAKE_CURRENT_LIST_DIR}/grade_environment.cmake)
set_tests_properties(cli.grade_environment PROPERTIES TIMEOUT 300)
