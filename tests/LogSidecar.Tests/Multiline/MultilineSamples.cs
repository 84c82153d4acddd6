namespace LogSidecar.Tests.Multiline;

/// <summary>Realistic multi-line log excerpts, written for these tests, each as the records it must become.</summary>
internal static class MultilineSamples
{
    public static readonly string[] SpringBoot =
    [
        "2026-11-23 10:00:01.250  INFO 1 --- [           main] c.e.orders.Application                   : Started Application in 3.2 seconds",
        """
        2026-11-23 10:00:03.402 ERROR 1 --- [nio-8080-exec-3] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception
        org.springframework.web.util.NestedServletException: Request processing failed; nested exception is java.lang.IllegalStateException: inventory reservation expired
        	at org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
        	at javax.servlet.http.HttpServlet.service(HttpServlet.java:681)
        Caused by: java.lang.IllegalStateException: inventory reservation expired
        	at com.example.orders.Inventory.reserve(Inventory.java:88)
        	at com.example.orders.OrderService.place(OrderService.java:41)
        	... 48 common frames omitted
        	Suppressed: java.io.IOException: close failed
        		at com.example.orders.Inventory.close(Inventory.java:120)
        Caused by: java.net.SocketTimeoutException: Read timed out
        	at java.base/java.net.SocketInputStream.socketRead0(Native Method)
        	... 12 more
        """,
        "2026-11-23 10:00:04.117  INFO 1 --- [nio-8080-exec-4] c.e.orders.OrderController               : POST /orders 201",
    ];

    public static readonly string[] AspNetCore =
    [
        """
        fail: Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware[1]
              An unhandled exception has occurred while executing the request.
              System.InvalidOperationException: Order 1043 cannot be shipped
               ---> System.Net.Http.HttpRequestException: Connection refused (inventory:80)
               ---> System.Net.Sockets.SocketException (111): Connection refused
                 at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)
                 --- End of inner exception stack trace ---
                 at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)
              --- End of stack trace from previous location ---
                 at Shop.Orders.ShippingService.ShipAsync(Int32 orderId) in /src/Shop/Orders/ShippingService.cs:line 57
        """,
        "info: Microsoft.Hosting.Lifetime[0]\n      Application is shutting down...",
        """
        Unhandled exception. System.IO.FileNotFoundException: Could not find file '/config/appsettings.json'.
        File name: '/config/appsettings.json'
           at Microsoft.Win32.SafeHandles.SafeFileHandle.Open(String fullPath, FileMode mode)
           at Program.<Main>$(String[] args) in /src/Shop/Program.cs:line 12
        """,
    ];

    public static readonly string[] Django =
    [
        "[23/Nov/2026 10:00:01] \"GET /orders/ HTTP/1.1\" 200 512",
        """
        ERROR 2026-11-23 10:00:02,871 log 7 140071 Internal Server Error: /orders/1043/
        Traceback (most recent call last):
          File "/app/orders/views.py", line 41, in detail
            order = Order.objects.get(pk=pk)
          File "/usr/local/lib/python3.12/site-packages/django/db/models/manager.py", line 87, in manager_method
            return getattr(self.get_queryset(), name)(*args, **kwargs)
        orders.models.Order.DoesNotExist: Order matching query does not exist.

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/app/orders/views.py", line 43, in detail
            raise Http404("no such order")
        django.http.response.Http404: no such order
        """,
        "[23/Nov/2026 10:00:03] \"GET /orders/1043/ HTTP/1.1\" 404 179",
    ];

    public static readonly string[] GoPanic =
    [
        "2026/11/23 10:00:01 listening on :8080",
        """
        panic: runtime error: index out of range [5] with length 3

        goroutine 34 [running]:
        main.(*Cart).Item(...)
        	/app/cart.go:42
        main.handleCart({0x6d8e08, 0xc0000a4000}, 0xc000196000)
        	/app/main.go:88 +0x1d
        net/http.HandlerFunc.ServeHTTP(0x0?, {0x6d8e08?, 0xc0000a4000?}, 0x0?)
        	/usr/local/go/src/net/http/server.go:2136 +0x29
        created by net/http.(*Server).Serve in goroutine 1
        	/usr/local/go/src/net/http/server.go:3285 +0x4b4
        exit status 2
        """,
        "2026/11/23 10:00:05 restarted, listening on :8080",
    ];
}
