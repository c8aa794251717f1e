# w2v_add_solution(<name> <source>...)
#
# Builds a C++ solution of the CS224n word2vec assignment as the executable
# <name>: your sources, which define the functions of w2v/solution.hpp, linked
# with a main() that serves the grading protocol (docs/protocol.md). Then
#
#   w2v-gradcheck grade --solution <build dir>/<name>
#
# Include this file from the w2v-gradcheck tree or from a CMakeLists.txt
# anywhere on disk: it finds its own sources next to itself.
#
#   include(/path/to/w2v-gradcheck/checks/solution/W2vSolution.cmake)
#   w2v_add_solution(solution word2vec.cpp)
include_guard(GLOBAL)

if(NOT ARMADILLO_FOUND)
  find_package(Armadillo REQUIRED)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_package(nlohmann_json 3.10 REQUIRED)
endif()

# Compiled once per build and shared by every solution in it.
if(NOT TARGET w2v_solution_main)
  add_library(w2v_solution_main OBJECT
    ${CMAKE_CURRENT_LIST_DIR}/solution_main.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protocol_json.cpp)
  target_include_directories(w2v_solution_main PUBLIC
    ${CMAKE_CURRENT_LIST_DIR} ${ARMADILLO_INCLUDE_DIRS})
  target_link_libraries(w2v_solution_main PUBLIC
    ${ARMADILLO_LIBRARIES} nlohmann_json::nlohmann_json ${CMAKE_DL_LIBS})
  target_compile_features(w2v_solution_main PUBLIC cxx_std_20)
  target_compile_options(w2v_solution_main PRIVATE -Wall -Wextra -Wpedantic)
endif()

function(w2v_add_solution name)
  if(ARGC LESS 2)
    message(FATAL_ERROR "w2v_add_solution(${name}): no sources given; "
                        "usage: w2v_add_solution(<name> <source>...)")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE w2v_solution_main)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()
