# The HTML report as a browser renders it: the real CLI writes it (--html),
# headless Chromium loads it from file://, the rendered DOM must show the
# verdict and one row per check, the page script must run without error, and
# screenshots at laptop and phone width land in the work directory.
# Included from tests/CMakeLists.txt; W2V_PYTHON: see the top-level CMakeLists.txt.
add_test(NAME reports.html_chromium
  COMMAND ${W2V_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_html_in_chromium.py
          --bin $<TARGET_FILE:w2v-gradcheck>
          --workdir ${CMAKE_CURRENT_BINARY_DIR}/reports_html_chromium)
# Two CLI runs and six Chromium starts; Chromium alone takes a few seconds each.
set_tests_properties(reports.html_chromium PROPERTIES TIMEOUT 180)
