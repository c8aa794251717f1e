# The unit tests of the solution process and client (tests/checks/
# test_solution_process.cpp, test_solution_client.cpp) drive small fake
# solutions they write themselves, and one real C++ solution built here with
# the function a student uses: tests/checks/solutions/partial.cpp, which
# defines only two of the five functions. Included from tests/CMakeLists.txt
# after the test targets exist.
include(${PROJECT_SOURCE_DIR}/checks/solution/W2vSolution.cmake)
w2v_add_solution(solution_partial_for_tests ${CMAKE_CURRENT_LIST_DIR}/solutions/partial.cpp)
if(TARGET checks_test_solution_client)
  add_dependencies(checks_test_solution_client solution_partial_for_tests)
  target_compile_definitions(checks_test_solution_client PRIVATE
    W2V_PARTIAL_SOLUTION="$<TARGET_FILE:solution_partial_for_tests>")
endif()
foreach(t IN ITEMS checks.solution_process checks.solution_client)
  if(TEST ${t})
    # Each starts a few dozen short-lived processes; a few wait out 1 s timeouts.
    set_tests_properties(${t} PROPERTIES TIMEOUT 300)
  endif()
endforeach()
