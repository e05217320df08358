package dev.ballast.api.model;

/**
 * The heartbeat details of the drill chunk: how far it got, and, once its first attempt has decided
 * to stop its worker, when (in server time) that happens.
 *
 * @param step steps done
 * @param sum sum of the numbers of the steps done
 * @param worker identity of the worker running the attempt
 * @param stopAtMillis when the worker stops, epoch millis on the server's clock: the attempt's start
 *     time as the server gave it plus the time the attempt ran until the stop; 0 when no stop is
 *     planned
 */
public record DrillCheckpoint(int step, long sum, String worker, long stopAtMillis) {}
