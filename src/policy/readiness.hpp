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

} // namespace svcsim
