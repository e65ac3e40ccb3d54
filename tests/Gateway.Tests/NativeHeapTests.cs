using System.Runtime.InteropServices;
using ExApps.ServiceDefaults.Memory;

namespace ExApps.Gateway.Tests;

/// <summary>Alone (no other test class of this process runs meanwhile): another test's threads could take the freed
/// blocks for their own allocations before the trim, and a host another test started trims the native heap itself
/// while it warms up (IdleMemoryTrim).</summary>
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapCollection;

[Collection(nameof(NativeHeapTests))]
public sealed class NativeHeapTests
{
    private const int Page = 4096;

    /// <summary>A trim hands the C library's free heap back: freed blocks between live ones cannot join the top of
    /// the heap, so free keeps them resident; <c>malloc_trim</c> gives their pages back. The freed blocks' own pages
    /// are looked at (<c>mincore</c>), not the process's resident total, which other threads move meanwhile.</summary>
    [Fact]
    public void A_trim_hands_the_C_librarys_free_heap_back_to_the_system()
    {
        // Every other block stays live between two freed ones. (With 64-byte blocks in between, as first written,
        // the small blocks often came from free chunks elsewhere in a heap that earlier tests had used: the big
        // blocks then lay side by side, joined the top when freed, and free itself gave them back.)
        const int chunk = 64 << 10, count = 400; // below glibc's mmap threshold: heap memory, 25 MiB freed
        var blocks = new nint[count * 2];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(chunk); // malloc
            for (var page = 0; page < chunk; page += Page) Marshal.WriteByte(blocks[i], page, 1); // resident
        }
        var freed = blocks.Where((_, i) => i % 2 == 0).ToArray();
        try
        {
            foreach (var b in freed) Marshal.FreeHGlobal(b);
            var (resident, pages) = ResidentPages(freed, chunk);
            Assert.True(resident >= pages * 9 / 10, $"only {resident} of the freed blocks' {pages} pages stayed resident after free");

            Assert.True(NativeHeap.Trim(), "malloc_trim gave nothing back");

            (resident, _) = ResidentPages(freed, chunk);
            Assert.True(resident <= pages / 10, $"{resident} of the freed blocks' {pages} pages are resident after the trim");
        }
        finally
        {
            foreach (var b in blocks.Where((_, i) => i % 2 == 1)) Marshal.FreeHGlobal(b);
        }
    }

    /// <summary>Of the whole pages inside the blocks (past the first, where the C library keeps its free-list
    /// pointers), how many are resident. A range no longer mapped counts as not resident.</summary>
    private static (int Resident, int Pages) ResidentPages(nint[] blocks, int chunk)
    {
        int resident = 0, pages = 0;
        foreach (var b in blocks)
        {
            var start = ((b + Page - 1) & ~(nint)(Page - 1)) + Page;
            var end = (b + chunk) & ~(nint)(Page - 1);
            if (end <= start) continue;
            var vec = new byte[(end - start) / Page];
            pages += vec.Length;
            if (mincore(start, (nuint)(end - start), vec) == 0) resident += vec.Count(v => (v & 1) != 0);
        }
        return (resident, pages);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mincore(nint addr, nuint length, byte[] vec);
}
