"""The PyTorch side of ChainProbe.java (see there): four [BN] [ReLU] conv3x3 [+ residual] blocks, bf16 autocast."""
import sys, time, torch
torch.set_num_threads(2)
C=int(sys.argv[1]); H=int(sys.argv[2]); ops=sys.argv[3]; bn_on = 'bn' in ops
x=torch.randn(128,C,H,H).to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
w=[(torch.randn(C,C,3,3)*0.05).contiguous(memory_format=torch.channels_last).requires_grad_() for _ in range(4)]
g=[torch.ones(C,requires_grad=True) for _ in range(4)]; b=[torch.zeros(C,requires_grad=True) for _ in range(4)]
rm=[torch.zeros(C) for _ in range(4)]; rv=[torch.ones(C) for _ in range(4)]
fwd=bwd=0
for it in range(13):
    t0=time.perf_counter()
    with torch.autocast('cpu',dtype=torch.bfloat16):
        h=x
        for i in range(4):
            n=torch.batch_norm(h,g[i],b[i],rm[i],rv[i],True,0.1,1e-4,True) if bn_on else h
            r=torch.relu(n) if 'relu' in ops else n
            c=torch.conv2d(r,w[i],None,1,1)
            h=c+h if 'add' in ops else c
        loss=h.float().mean()
    t1=time.perf_counter(); loss.backward(); t2=time.perf_counter()
    for t in w: t.grad=None
    if it>=3: fwd+=t1-t0; bwd+=t2-t1
print(("pytorch1.13  C=%d H=%d "+ops+" bn=%s fwd %.1f ms bwd %.1f ms")%(C,H,bn_on,fwd*100,bwd*100))
