# JSON, JUnit and Gradescope reports written by the real CLI, validated with
# external tools (python3: jsonschema, xml.etree) and against each other.
# Included from tests/CMakeLists.txt; W2V_PYTHON: see the top-level CMakeLists.txt.
add_test(NAME reports.machine_readable
  COMMAND ${W2V_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/validate_reports.py
          --bin $<TARGET_FILE:w2v-gradcheck>
          --schema ${PROJECT_SOURCE_DIR}/reports/schema/report.schema.json
          --workdir ${CMAKE_CURRENT_BINARY_DIR}/reports_machine_readable)
