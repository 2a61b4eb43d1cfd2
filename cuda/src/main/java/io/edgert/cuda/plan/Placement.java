package io.edgert.cuda.plan;

import io.edgert.cuda.GpuDevice;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides, per op, whether it runs on the GPU or on the CPU {@code native} kernels (with explicit transfers between
 * them). Pure Java: the device is a {@link GpuDevice} value, so tests decide placements for simulated GPUs.
 *
 * <ul>
 *   <li>An op without a CUDA kernel ({@link OpSupport}) runs on the CPU.</li>
 *   <li>{@link Mode#EXPLICIT} (the user chose {@code --backend cuda}): every other op runs on the GPU.</li>
 *   <li>{@link Mode#AUTO} ({@code auto} asks whether the GPU is worth it): the device profile's
 *   {@code gpu_offload} decides. Without it, disabled, or with a GPU below the profile's compute capability,
 *   nothing goes to the GPU. Otherwise each maximal run of consecutive GPU-capable ops is one candidate segment
 *   (inside it tensors stay on the GPU, so only its two ends pay a transfer): it goes to the GPU when the
 *   multiply-adds of its ops of the types in {@code gpu_offload.ops}, at the session's batch, reach
 *   {@code gpu_offload.min_macs}.</li>
 * </ul>
 */
public final class Placement {
    public enum Mode { EXPLICIT, AUTO }

    /** Where one op runs and why. {@code kernel} is the CUDA kernel for GPU ops, null for CPU ones. */
    public record OpPlacement(int op, String opType, boolean gpu, CudaKernel kernel, long macs, String reason) {
    }

    private Placement() {
    }

    public static List<OpPlacement> decide(Graph graph, int[][] shapes, DeviceProfile profile, GpuDevice device,
                                           Mode mode) {
        List<OpInfo> ops = graph.operators();
        List<OpSupport.Choice> choices = new ArrayList<>();
        long[] macs = new long[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            choices.add(OpSupport.choose(ops.get(i), graph, shapes, device != null && device.capability() >= 80));
            macs[i] = macs(ops.get(i), graph, shapes);
        }
        String allCpu = null;
        if (device == null) {
            allCpu = "no CUDA device";
        } else if (device.capability() < GpuDevice.MIN_CAPABILITY) {
            allCpu = device.name() + " is sm_" + device.capability() + "; the kernels need sm_75 or newer";
        } else if (mode == Mode.AUTO) {
            DeviceProfile.GpuOffload off = profile.choices().gpuOffload();
            int need = profile.match().gpuMinCapability();
            if (off == null || !off.enabled()) {
                allCpu = "device profile " + profile.id() + " does not offload to the GPU (choices.gpu_offload)";
            } else if (need >= 0 && device.capability() < need) {
                allCpu = "device profile " + profile.id() + " is for compute capability " + need / 10 + "."
                        + need % 10 + "+, " + device.name() + " has " + device.ccMajor() + "." + device.ccMinor();
            }
        }
        List<OpPlacement> result = new ArrayList<>();
        if (allCpu != null) {
            for (int i = 0; i < ops.size(); i++) {
                result.add(new OpPlacement(i, ops.get(i).type(), false, null, macs[i], allCpu));
            }
            return result;
        }
        boolean[] gpu = new boolean[ops.size()];
        String[] reason = new String[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            CudaKernel k = choices.get(i).kernel();
            gpu[i] = k != null;
            reason[i] = k != null ? "CUDA kernel " + k.symbol() : choices.get(i).reason();
        }
        if (mode == Mode.AUTO) {
            DeviceProfile.GpuOffload off = profile.choices().gpuOffload();
            for (int start = 0; start < ops.size(); ) {
                if (!gpu[start]) {
                    start++;
                    continue;
                }
                int end = start;
                long segmentMacs = 0;
                while (end < ops.size() && gpu[end]) {
                    if (off.ops().isEmpty() || off.ops().contains(ops.get(end).type())) {
                        segmentMacs += macs[end];
                    }
                    end++;
                }
                boolean worth = segmentMacs >= off.minMacs();
                for (int i = start; i < end; i++) {
                    if (worth) {
                        reason[i] += " (segment of ops " + start + ".." + (end - 1) + ": " + segmentMacs
                                + " MACs >= min_macs " + off.minMacs() + ")";
                    } else {
                        gpu[i] = false;
                        reason[i] = "segment of ops " + start + ".." + (end - 1) + " has " + segmentMacs
                                + " MACs < min_macs " + off.minMacs() + " of device profile " + profile.id();
                    }
                }
                start = end;
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            result.add(new OpPlacement(i, ops.get(i).type(), gpu[i], gpu[i] ? choices.get(i).kernel() : null, macs[i],
                    reason[i]));
        }
        return result;
    }

    /** Multiply-adds of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED at the planned shapes; 0 for others. */
    static long macs(OpInfo op, Graph graph, int[][] shapes) {
        if (op.inputCount() < 2 || op.input(1) < 0 || op.outputCount() < 1) {
            return 0;
        }
        TensorInfo w = graph.tensor(op.input(1));
        long outCount = TensorInfo.elementCount(shapes[op.output(0)]);
        int[] ws = w.shape();
        return switch (op.type()) {
            case "CONV_2D" -> ws.length == 4 ? outCount * ws[1] * ws[2] * ws[3] : 0;
            case "DEPTHWISE_CONV_2D" -> ws.length == 4 ? outCount * ws[1] * ws[2] : 0;
            case "FULLY_CONNECTED" -> ws.length == 2 ? outCount * ws[1] : 0;
            default -> 0;
        };
    }
}
