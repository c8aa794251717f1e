# JSON, JUnit and Gradescope reports written by the real CLI, validated with
# external tools (python3: jsonschema, xml.etree) and against each other.
# Included from tests/CMakeLists.txt.
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  set(w2v_python3 ${Python3_EXECUTABLE})
else()
  set(w2v_python3 python3)  # fail loudly at test time rather than hide the test
endif()

add_test(NAME reports.machine_readable
  COMMAND ${w2v_python3} ${CMAKE_CURRENT_LIST_DIR}/validate_reports.py
          --bin $<TARGET_FILE:w2v-gradcheck>
          --schema ${PROJECT_SOURCE_DIR}/reports/schema/report.schema.json
          --workdir ${CMAKE_CURRENT_BINARY_DIR}/reports_machine_readable)
