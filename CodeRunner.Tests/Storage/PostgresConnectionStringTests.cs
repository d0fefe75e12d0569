using CodeRunner.Storage.Postgres;
using Npgsql;

namespace CodeRunner.Tests.Storage;

public sealed class PostgresConnectionStringTests
{
    private static NpgsqlConnectionStringBuilder Parse(string value) =>
        new(PostgresConnectionString.Parse(value, "POSTGRES_URL"));

    [Fact]
    public void Given_digitalocean_url_with_special_characters_in_the_password_Then_every_part_is_decoded()
    {
        var b = Parse("postgresql://doadmin:p%40ss%3Aw%2Ford%23%3F%25%20x@db-postgresql-ams3-1234-do-user-1-0.b.db.ondigitalocean.com:25060/defaultdb?sslmode=require");

        Assert.Equal("doadmin", b.Username);
        Assert.Equal("p@ss:w/ord#?% x", b.Password);
        Assert.Equal("db-postgresql-ams3-1234-do-user-1-0.b.db.ondigitalocean.com", b.Host);
        Assert.Equal(25060, b.Port);
        Assert.Equal("defaultdb", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
    }

    [Fact]
    public void Given_password_with_a_raw_at_sign_Then_the_last_at_sign_ends_the_credentials()
    {
        var b = Parse("postgres://user:a@b@host/db");

        Assert.Equal("a@b", b.Password);
        Assert.Equal("host", b.Host);
    }

    [Fact]
    public void Given_url_without_port_Then_port_is_5432_and_without_password_none_is_set()
    {
        var b = Parse("postgres://judge@10.0.0.5/judge0");

        Assert.Equal(5432, b.Port);
        Assert.Equal("judge", b.Username);
        Assert.Null(b.Password);
        Assert.Equal("judge0", b.Database);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Given_libpq_sslmode_Then_it_maps_to_npgsql(string value, SslMode expected) =>
        Assert.Equal(expected, Parse($"postgres://u@h/d?sslmode={value}").SslMode);

    [Fact]
    public void Given_other_libpq_parameters_Then_they_map_to_npgsql_keywords()
    {
        var b = Parse("postgres://u@h/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt&connect_timeout=3&application_name=judge-1&Maximum%20Pool%20Size=7");

        Assert.Equal("/etc/ca.crt", b.RootCertificate);
        Assert.Equal(3, b.Timeout);
        Assert.Equal("judge-1", b.ApplicationName);
        Assert.Equal(7, b.MaxPoolSize);
    }

    [Fact]
    public void Given_several_hosts_Then_npgsql_gets_the_list_with_ports()
    {
        var b = Parse("postgres://u@db1:5433,db2/d?target_session_attrs=read-write");

        Assert.Equal("db1:5433,db2:5432", b.Host);
        Assert.Equal("read-write", b.TargetSessionAttributes);
    }

    [Fact]
    public void Given_ipv6_host_Then_brackets_are_removed_and_the_port_kept()
    {
        var b = Parse("postgres://u@[::1]:6543/d");

        Assert.Equal("::1", b.Host);
        Assert.Equal(6543, b.Port);
    }

    [Fact]
    public void Given_npgsql_connection_string_Then_it_passes_through_with_only_missing_defaults_added()
    {
        var b = Parse("Host=pg.internal;Port=6000;Username=judge;Password='se;cret';Database=j;Maximum Pool Size=3");

        Assert.Equal("pg.internal", b.Host);
        Assert.Equal(6000, b.Port);
        Assert.Equal("judge", b.Username);
        Assert.Equal("se;cret", b.Password);
        Assert.Equal("j", b.Database);
        Assert.Equal(3, b.MaxPoolSize);
        Assert.Equal("coderunner", b.ApplicationName);
    }

    [Theory]
    [InlineData("Host=h;MaxPoolSize=5;timeout=4")]
    [InlineData("Host=h;maximum pool size=5;Timeout=4")]
    [InlineData("postgres://u@h/d?MaxPoolSize=5&connect_timeout=4")]
    public void Given_pool_settings_under_any_spelling_Then_they_win_over_the_defaults(string value)
    {
        var b = Parse(value);

        Assert.Equal(5, b.MaxPoolSize);
        Assert.Equal(4, b.Timeout);
    }

    [Fact]
    public void Given_no_pool_settings_Then_the_service_defaults_apply()
    {
        var b = Parse("postgres://u@h/d");

        Assert.Equal(20, b.MaxPoolSize);
        Assert.Equal(60, b.ConnectionIdleLifetime);
        Assert.Equal(10, b.Timeout);
        Assert.Equal("coderunner", b.ApplicationName);
    }

    [Theory]
    [InlineData("postgres://u:secret@h:99999/d")]
    [InlineData("postgres://u:secret@h/d?sslmode=sometimes")]
    [InlineData("postgres://u:secret@h/d?nonsense=1")]
    [InlineData("postgres://u:secret@/d")]
    [InlineData("mysql://u:secret@h/d")]
    [InlineData("Host=h;Password=secret;Bogus Key=1")]
    [InlineData("Host=h;Password=se;secret=1")]
    public void Given_invalid_address_Then_format_error_names_the_key_but_never_the_password(string value)
    {
        var e = Assert.Throws<FormatException>(() => PostgresConnectionString.Parse(value, "DATABASE_URL"));

        Assert.StartsWith("DATABASE_URL: ", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
