#pragma once
// Camera: frames from a webcam (OpenCV videoio, V4L2 on Linux) as 8-bit RGB, the same
// DecodedImage a dropped file gives, so a live frame goes through prepareImage unchanged.
// OpenCV stays inside engine/data: this header shows none of it.
//
//   auto camera = Camera::open(0);
//   if (!camera) show(camera.error());            // "No camera found at /dev/video0." + hint
//   else for (;;) if (auto frame = camera->grab()) predict(*frame);

#include <memory>
#include <string>

#include "engine/core/result.h"
#include "engine/data/image_io.h"

namespace studio {

class Camera {
public:
    /// Opens camera `index` (/dev/video<index> on Linux) and reads one frame to be sure it
    /// delivers. Errors: a negative index; no such device; a device that cannot be opened (in
    /// use, no permission, not a capture device); one that delivers no picture.
    /// Never crashes or prints: OpenCV's own warnings are silenced while opening.
    static Result<Camera> open(int index);
    /// A video file played through the same capture path, in a loop: teaching demos without a
    /// webcam, and the tests' way to drive frames → live probabilities end to end.
    /// Errors: the file is missing, or OpenCV cannot read a picture from it.
    static Result<Camera> openVideoFile(const std::string& path);

    Camera(Camera&& other) noexcept;
    Camera& operator=(Camera&& other) noexcept;
    Camera(const Camera&) = delete;
    Camera& operator=(const Camera&) = delete;
    ~Camera();  // releases the device

    /// The next frame: RGB, 3 × height × width, 8-bit. Blocks until the camera delivers one
    /// (one frame period). Errors: the camera stopped delivering (unplugged, taken away).
    /// Threads: not thread-safe; use a camera from one thread at a time.
    Result<DecodedImage> grab();

    int index() const { return m_index; }  // -1 for a video file
    /// "/dev/video0" on Linux, "camera 0" elsewhere, or the video file's path: how messages name it.
    const std::string& device() const { return m_device; }

private:
    struct Capture;  // the cv::VideoCapture
    Camera(std::unique_ptr<Capture> capture, int index, std::string device);

    std::unique_ptr<Capture> m_capture;
    int m_index = -1;
    std::string m_device;
    bool m_loops = false;  // a video file starts again at its end
};

}  // namespace studio
