// A Kubernetes readiness probe's verdict on one container, as the kubelet's prober worker keeps it
// (pkg/kubelet/prober/worker.go): a new container starts not ready; a result changes the verdict only after
// it repeated `threshold` times in a row (successThreshold to become ready, failureThreshold to stop being
// ready); a container that exits is not ready at once. No SimGrid: the kubernetes actor feeds it results.
#pragma once

namespace svcsim
{

class Readiness
{
public:
  Readiness(int success_threshold, int failure_threshold)
      : success_threshold_(success_threshold), failure_threshold_(failure_threshold)
  {
  }
  bool ready() const { return ready_; }
  // One probe's result; returns true when the verdict changed.
  bool record(bool success);
  // A new container (first start or restart): not ready until its probes succeed (the worker's initial value).
  void container_started();
  // The container's process exited: not ready now, whatever the probes said. Returns true if it was ready.
  bool container_exited();

private:
  int success_threshold_;
  int failure_threshold_;
  bool ready_ = false;
  bool last_success_ = false; // the last result and how many times in a row it came (worker.resultRun)
  int run_ = 0;
};

// The kubelet's crash-loop back-off for one container (kuberuntime_manager.go doBackOff with
// flowcontrol.Backoff, no jitter): at the first exit there is no back-off entry, so the container restarts at
// once and the entry starts at `initial`; at a later exit the restart waits until the entry's back-off has
// passed since the exit, and the back-off then doubles (at most `max`). An exit more than 2 x max after the
// last restart finds the entry expired: at once again, and the back-off starts over.
class RestartBackoff
{
public:
  explicit RestartBackoff(double initial_s = 10, double max_s = 300) : initial_(initial_s), max_(max_s) {}
  // The container exited at `exit_s`: how long after the exit the kubelet restarts it.
  double delay(double exit_s) const;
  // The kubelet restarted the container that exited at `exit_s`, at `now_s` (backOff.Next).
  void restarted(double exit_s, double now_s);

private:
  double initial_, max_;
  bool has_entry_ = false;
  double backoff_ = 0, last_update_ = 0;
};

} // namespace svcsim
