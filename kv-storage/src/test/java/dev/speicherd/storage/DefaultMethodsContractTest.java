package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Store;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The store contract, run against the {@link Store} interface's own default methods ({@code
 * read}, {@code set}, {@code adjust}) over {@link MemoryStore}'s others: an engine that overrides
 * none of them still keeps the contract.
 */
final class DefaultMethodsContractTest extends StoreContractTest {

    @Override
    protected Store newStore(Clock clock) {
        MemoryStore engine = new MemoryStore(clock, 0);
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
