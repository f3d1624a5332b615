#include "engine/data/camera.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace studio {

struct Camera::Capture {
    cv::VideoCapture video;
};

namespace {

#ifdef __linux__
constexpr int kBackend = cv::CAP_V4L2;  // straight to the kernel: no GStreamer pipeline to start
#else
constexpr int kBackend = cv::CAP_ANY;
#endif

const char* kCameraHint =
    "Connect a camera, close other programs that use it, and check that you may open it "
    "(on Linux: membership of the 'video' group).";

// OpenCV prints "can't open camera by index" warnings itself; ours is the message people see.
class QuietOpenCv {
public:
    QuietOpenCv() : m_previous(cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT)) {}
    ~QuietOpenCv() { cv::utils::logging::setLogLevel(m_previous); }
    QuietOpenCv(const QuietOpenCv&) = delete;
    QuietOpenCv& operator=(const QuietOpenCv&) = delete;

private:
    cv::utils::logging::LogLevel m_previous;
};

// A frame in any of the layouts cameras deliver (BGR, BGRA, gray; 8 or 16 bit) → RGB CHW 8-bit.
DecodedImage rgbFromFrame(const cv::Mat& frame) {
    cv::Mat m = frame;
    if (m.depth() != CV_8U) m.convertTo(m, CV_8U, m.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    cv::Mat rgb;
    if (m.channels() == 1)
        cv::cvtColor(m, rgb, cv::COLOR_GRAY2RGB);
    else if (m.channels() == 4)
        cv::cvtColor(m, rgb, cv::COLOR_BGRA2RGB);
    else
        cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB);
    DecodedImage out;
    out.channels = 3;
    out.height = rgb.rows;
    out.width = rgb.cols;
    const std::size_t plane = static_cast<std::size_t>(rgb.rows) * rgb.cols;
    out.chw.resize(3 * plane);
    // HWC → CHW: each channel plane is a Mat header over our buffer; split writes straight into it.
    std::vector<cv::Mat> planes;
    for (int c = 0; c < 3; ++c) planes.emplace_back(rgb.rows, rgb.cols, CV_8UC1, out.chw.data() + c * plane);
    cv::split(rgb, planes);
    return out;
}

}  // namespace

Camera::Camera(std::unique_ptr<Capture> capture, int index, std::string device)
    : m_capture(std::move(capture)), m_index(index), m_device(std::move(device)) {}

Camera::Camera(Camera&& other) noexcept = default;
Camera& Camera::operator=(Camera&& other) noexcept = default;

Camera::~Camera() {
    if (m_capture) m_capture->video.release();
}

Result<Camera> Camera::open(int index) {
    if (index < 0)
        return Error::invalid("Camera index " + std::to_string(index) + " is negative.",
                              "Use 0 for the first camera, 1 for the second, and so on.");
#ifdef __linux__
    const std::string device = "/dev/video" + std::to_string(index);
    std::error_code ec;
    if (!std::filesystem::exists(device, ec)) return Error::notFound("No camera found at " + device + ".", kCameraHint);
#else
    const std::string device = "camera " + std::to_string(index);
#endif
    auto capture = std::make_unique<Capture>();
    cv::Mat first;
    try {
        QuietOpenCv quiet;
        if (!capture->video.open(index, kBackend))
            return Error::io("The camera at " + device + " could not be opened.", kCameraHint);
        if (!capture->video.read(first) || first.empty())
            return Error::io("The camera at " + device + " opened but delivered no picture.",
                             "It may be a metadata node of a camera (try the next index), or in use by another "
                             "program.");
    } catch (const cv::Exception& e) {
        return Error::io("The camera at " + device + " could not be opened: " + e.what(), kCameraHint);
    }
    return Camera(std::move(capture), index, device);
}

Result<Camera> Camera::openVideoFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::notFound("The video file " + path + " does not exist.", "Choose an existing video file.");
    auto capture = std::make_unique<Capture>();
    cv::Mat first;
    try {
        QuietOpenCv quiet;
        if (!capture->video.open(path, cv::CAP_ANY) || !capture->video.read(first) || first.empty())
            return Error::unsupported("No picture could be read from the video file " + path + ".",
                                      "Use a video OpenCV can play, such as an MJPEG AVI or an MP4 (H.264).");
        capture->video.set(cv::CAP_PROP_POS_FRAMES, 0);
    } catch (const cv::Exception& e) {
        return Error::io("The video file " + path + " could not be opened: " + e.what(),
                         "Use a video OpenCV can play, such as an MJPEG AVI or an MP4 (H.264).");
    }
    Camera camera(std::move(capture), -1, path);
    camera.m_loops = true;
    return camera;
}

Result<DecodedImage> Camera::grab() {
    STUDIO_ASSERT(m_capture, "Camera::grab on a moved-from camera");
    cv::Mat frame;
    try {
        bool read = m_capture->video.read(frame) && !frame.empty();
        if (!read && m_loops && m_capture->video.set(cv::CAP_PROP_POS_FRAMES, 0))
            read = m_capture->video.read(frame) && !frame.empty();
        if (!read)
            return Error::io("The camera at " + m_device + " stopped delivering pictures.",
                             "Check that it is still connected, then open it again.");
        return rgbFromFrame(frame);
    } catch (const cv::Exception& e) {
        return Error::io("Reading a picture from the camera at " + m_device + " failed: " + e.what(),
                         "Check that it is still connected, then open it again.");
    }
}

}  // namespace studio
