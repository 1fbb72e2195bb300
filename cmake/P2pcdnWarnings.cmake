# Warnings for our own targets only (never for dependencies' headers).
function(p2pcdn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wno-unused-parameter)
  if(P2PCDN_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # GCC 12 reports false "maybe uninitialized" warnings inside libstdc++ (std::regex,
  # std::function) when ASan instruments -O2 code; they are not about our code.
  if(P2PCDN_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

# One library per folder, from every .cpp under it (except the excluded subfolders).
# Sources are globbed so that adding a module touches only its own files.
function(p2pcdn_folder_library target folder)
  cmake_parse_arguments(ARG "" "" "EXCLUDE;PUBLIC_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${folder}/*.cpp")
  foreach(pattern IN LISTS ARG_EXCLUDE)
    list(FILTER sources EXCLUDE REGEX "${pattern}")
  endforeach()
  add_library(${target} STATIC ${sources} ${CMAKE_SOURCE_DIR}/cmake/empty.cpp)
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS})
  p2pcdn_warnings(${target})
endfunction()
