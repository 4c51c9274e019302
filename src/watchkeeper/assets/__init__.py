"""Sea, air and land assets: availability, intercept and rescue times, recommendations, tasking, posture."""
