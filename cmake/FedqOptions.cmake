# Compiler flags for fedq's own targets. Third-party headers are included as
# SYSTEM so that -Wall -Wextra speaks only of our code.
add_library(fedq_warnings INTERFACE)
target_compile_options(fedq_warnings INTERFACE -Wall -Wextra -Wno-missing-field-initializers)

add_library(fedq_flags INTERFACE)
if(FEDQ_NATIVE)
  target_compile_options(fedq_flags INTERFACE -march=native)
endif()

if(FEDQ_SANITIZE)
  string(REPLACE "," ";" _fedq_sanitizers "${FEDQ_SANITIZE}")
  set(_fedq_san_flags "")
  foreach(_san IN LISTS _fedq_sanitizers)
    list(APPEND _fedq_san_flags "-fsanitize=${_san}")
  endforeach()
  list(APPEND _fedq_san_flags -fno-omit-frame-pointer -fno-sanitize-recover=all)
  if("undefined" IN_LIST _fedq_sanitizers)
    # The vptr check instruments every polymorphic call and cast (Asio is
    # full of them): 7% of the ASan+UBSan build's time, which CI spends on
    # the ThreadSanitizer step instead; AddressSanitizer still catches the
    # use-after-free behind most wrong dynamic types.
    list(APPEND _fedq_san_flags -fno-sanitize=vptr)
  endif()
  add_compile_options(${_fedq_san_flags})
  add_link_options(${_fedq_san_flags})
endif()

# One call per library folder: fedq_library(common) makes fedq::common from
# every .cpp in the folder that is not a program's main.cpp.
function(fedq_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  list(FILTER _srcs EXCLUDE REGEX "/main\\.cpp$|/tools/")
  foreach(_ex IN LISTS ARG_EXCLUDE)
    list(FILTER _srcs EXCLUDE REGEX "${_ex}")
  endforeach()
  if(_srcs)
    add_library(fedq_${name} STATIC ${_srcs})
    target_include_directories(fedq_${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(fedq_${name} PUBLIC ${ARG_DEPS} fedq_flags PRIVATE fedq_warnings)
  else()
    # A folder whose code has not landed yet: headers only.
    add_library(fedq_${name} INTERFACE)
    target_include_directories(fedq_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(fedq_${name} INTERFACE ${ARG_DEPS} fedq_flags)
  endif()
  add_library(fedq::${name} ALIAS fedq_${name})
endfunction()

function(fedq_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} fedq_flags fedq_warnings)
endfunction()

# Fuzz builds instrument all of fedq's code for coverage, not only the
# fuzzer's own file, so libFuzzer can see into the parsers it drives.
if(FEDQ_BUILD_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
