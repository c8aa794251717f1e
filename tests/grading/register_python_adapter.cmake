# The Python adapter (checks/solution/python/w2v_adapter.py) driven over fds 3/4
# as the harness drives it, against every solution in examples/solutions/python/
# (see the script's docstring for what each must show). Needs a python3 with
# numpy: W2V_PYTHON (see the top-level CMakeLists.txt).
# Included from tests/CMakeLists.txt.
add_test(NAME grading.python_adapter
  COMMAND ${W2V_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python_adapter_smoke.py)
# About 10 s: 25 adapter starts (numpy import each) and one deliberate 2 s hang.
# The timeout is only a safety net against a hung adapter, far above that.
set_tests_properties(grading.python_adapter PROPERTIES TIMEOUT 900)
