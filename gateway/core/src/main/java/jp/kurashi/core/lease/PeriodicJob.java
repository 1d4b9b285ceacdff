package jp.kurashi.core.lease;

import io.vertx.core.Deployable;

import java.util.function.Supplier;

/**
 * A job that must run on one gateway instance at a time (see {@link LeasedVerticle}): its lease name and how to make
 * a fresh instance of its verticle each time an instance takes it on.
 */
public record PeriodicJob(String name, Supplier<Deployable> verticle) {
}
