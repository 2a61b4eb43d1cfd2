package io.edgert.device.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which profile a device got and why: what {@code edgert profile} prints.
 *
 * @param profile  the chosen profile
 * @param how      {@code detected} (most specific match), {@code forced} (by id or file) or {@code given} (an object
 *                 passed to {@code Session.Options.profile})
 * @param matched  the chosen profile's conditions as the device met them ("arch x86_64", "features avx2 fma"); when
 *                 forced, the conditions it does not meet are listed as "NOT ..." instead
 * @param others   every other candidate id: "matches, less specific (...)" or why it does not match
 */
public record ProfileMatch(DeviceProfile profile, String how, List<String> matched, Map<String, String> others) {
    public ProfileMatch {
        matched = List.copyOf(matched);
        others = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(others));
    }
}
