# Every dependency is a Debian 12 package (see scripts/setup.sh); nothing is downloaded.
find_package(TBB REQUIRED COMPONENTS tbb)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)
# The run store: SQLite through SQLiteCpp (libsqlitecpp-dev, which links libsqlite3).
find_package(SQLiteCpp REQUIRED)
# The shared run store for workers on several machines: PostgreSQL through libpqxx
# (libpqxx-dev, which links libpq). Debian 12's libpqxx 6.4 has a pkg-config file, no CMake one.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)

# oneDNN (libdnnl-dev): the convolution kernels PyTorch's CPU build uses (engine/nn/dnnl_conv.h).
# Its CMake config demands OpenCL for a GPU runtime we do not use, so the library is imported
# directly. Debian builds it on OpenMP (libgomp), whose per-thread team size we set to one.
find_path(DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp REQUIRED)
find_library(DNNL_LIBRARY dnnl REQUIRED)
add_library(DNNL::dnnl UNKNOWN IMPORTED)
set_target_properties(DNNL::dnnl PROPERTIES
  IMPORTED_LOCATION "${DNNL_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${DNNL_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES gomp)

# OpenCV: only the components we use. Debian's OpenCVConfig.cmake ships in libopencv-dev,
# which drags in every module (highgui pulls Qt 5), so we import the four -dev packages'
# libraries directly. videoio (webcam frames) depends on FFmpeg/GStreamer/V4L libraries but
# not on highgui or Qt (checked with apt-get install -s --no-install-recommends).
find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
# dnn (libopencv-dnn-dev, which pulls no Qt either) is the second runtime every ONNX export is
# checked against, and it runs frozen ONNX backbones in front of a head the engine trains.
foreach(component core imgproc imgcodecs videoio dnn)
  find_library(OPENCV_${component}_LIBRARY opencv_${component} REQUIRED)
  add_library(OpenCV::${component} UNKNOWN IMPORTED)
  set_target_properties(OpenCV::${component} PROPERTIES
    IMPORTED_LOCATION "${OPENCV_${component}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OPENCV_INCLUDE_DIR}")
endforeach()

# ONNX (libonnx-dev): the protobuf classes and checker behind every export (engine/deploy).
# Its config needs protobuf's imported target, which Debian's protobuf CMake config provides.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)

if(STUDIO_BUILD_GUI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Charts Svg Test Concurrent)
  set(CMAKE_AUTOMOC ON)
  set(CMAKE_AUTORCC ON)
else()
  # Without the GUI the engine and CLI tests still build when Qt Test is there (they use
  # QImage to write fixtures, hence Gui); the engine and the CLI themselves never link Qt.
  find_package(Qt6 6.4 QUIET COMPONENTS Core Gui Test)
endif()
